using System.Threading.Channels;
using Grpc.Core;
using Modal.Auth;
using Modal.Deployments;
using Modal.Images;
using Modal.Protocol;
using Modal.Schedules;
using Modal.Scheduling;

namespace Modal.ControlPlane;

/// <summary>Server mode's API: tokens, secrets and deployments, each scoped to the caller's workspace.</summary>
internal sealed class PlatformApiService(Scheduler scheduler, PlatformServices platform, DeploymentService deployments, ScheduleRunner schedules) : PlatformApi.PlatformApiBase
{
    public override Task<WhoAmIResponse> WhoAmI(WhoAmIRequest request, ServerCallContext context)
    {
        var caller = AuthInterceptor.Caller(context);
        return Task.FromResult(new WhoAmIResponse { Workspace = caller.Workspace, TokenId = caller.TokenId });
    }

    public override async Task<TokenCreateResponse> TokenCreate(TokenCreateRequest request, ServerCallContext context)
    {
        var caller = AuthInterceptor.Caller(context);
        var token = await platform.CreateTokenAsync(caller.Workspace, context.CancellationToken, request.ProxyAuth).ConfigureAwait(false);
        return new TokenCreateResponse { TokenId = token.TokenId, TokenSecret = token.TokenSecret, Workspace = caller.Workspace };
    }

    public override async Task<SecretCreateResponse> SecretCreate(SecretCreateRequest request, ServerCallContext context)
    {
        var caller = AuthInterceptor.Caller(context);
        ValidateSecretName(request.Name);
        if (request.Values.Count == 0)
        {
            throw new InvalidError($"Secret '{request.Name}' has no values; pass KEY=VALUE pairs or --from-dotenv FILE.");
        }

        var environment = deployments.EnvironmentOf(request.Environment);
        var values = new Dictionary<string, string>(request.Values, StringComparer.Ordinal);
        var sealedValues = platform.Cipher.Seal(values, PlatformServices.SecretScope(caller.Workspace, environment, request.Name));
        var keys = string.Join(',', values.Keys.Order(StringComparer.Ordinal));
        if (!await platform.Store.PutSecretAsync(caller.Workspace, environment, request.Name, sealedValues, keys, request.Overwrite, platform.NowMs, context.CancellationToken).ConfigureAwait(false))
        {
            throw new InvalidError($"Secret '{request.Name}' already exists in environment '{environment}'. Pass --force to replace it.");
        }

        return new SecretCreateResponse();
    }

    public override async Task<SecretListResponse> SecretList(SecretListRequest request, ServerCallContext context)
    {
        var caller = AuthInterceptor.Caller(context);
        var response = new SecretListResponse();
        foreach (var (name, keys, createdAtMs) in await platform.Store.ListSecretsAsync(caller.Workspace, deployments.EnvironmentOf(request.Environment), context.CancellationToken).ConfigureAwait(false))
        {
            var summary = new SecretSummary { Name = name, CreatedAtMs = createdAtMs };
            summary.Keys.AddRange(keys.Split(',', StringSplitOptions.RemoveEmptyEntries));
            response.Secrets.Add(summary);
        }

        return response;
    }

    public override async Task<SecretDeleteResponse> SecretDelete(SecretDeleteRequest request, ServerCallContext context)
    {
        var caller = AuthInterceptor.Caller(context);
        var environment = deployments.EnvironmentOf(request.Environment);
        if (!await platform.Store.DeleteSecretAsync(caller.Workspace, environment, request.Name, context.CancellationToken).ConfigureAwait(false))
        {
            throw new NotFoundError($"Secret '{request.Name}' does not exist in environment '{environment}'. `modal secret list` shows the secrets.");
        }

        return new SecretDeleteResponse();
    }

    public override Task<DeployMissingFilesResponse> DeployMissingFiles(DeployMissingFilesRequest request, ServerCallContext context)
    {
        var response = new DeployMissingFilesResponse();
        response.MissingSha256.AddRange(deployments.MissingFiles(AuthInterceptor.Caller(context).Workspace, request.Files));
        return Task.FromResult(response);
    }

    public override Task<AppDeployResponse> AppDeploy(AppDeployRequest request, ServerCallContext context) =>
        deployments.DeployAsync(AuthInterceptor.Caller(context).Workspace, request, rollbackOf: 0, context.CancellationToken);

    public override async Task AppDeployStream(AppDeployRequest request, IServerStreamWriter<AppDeployProgress> responseStream, ServerCallContext context)
    {
        // The build writes from its own flow; one pump writes to the stream, which takes one write at a time.
        var lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        var pump = Task.Run(async () =>
        {
            await foreach (var line in lines.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(new AppDeployProgress { BuildLog = line }, context.CancellationToken).ConfigureAwait(false);
            }
        }, CancellationToken.None);
        AppDeployResponse result;
        try
        {
            using var log = new BuildLogWriter(line => lines.Writer.TryWrite(line));
            result = await deployments.DeployAsync(AuthInterceptor.Caller(context).Workspace, request, rollbackOf: 0, context.CancellationToken, log).ConfigureAwait(false);
        }
        finally
        {
            lines.Writer.TryComplete();
            await pump.ConfigureAwait(false);
        }

        await responseStream.WriteAsync(new AppDeployProgress { Result = result }, context.CancellationToken).ConfigureAwait(false);
    }

    public override Task<AppDeployResponse> AppRollback(AppRollbackRequest request, ServerCallContext context) =>
        deployments.RollbackAsync(AuthInterceptor.Caller(context).Workspace, request, context.CancellationToken);

    public override async Task<AppStopByNameResponse> AppStopByName(AppStopByNameRequest request, ServerCallContext context) =>
        new() { AppId = await deployments.StopAsync(AuthInterceptor.Caller(context).Workspace, request, context.CancellationToken).ConfigureAwait(false) };

    public override async Task<AppListResponse> AppList(AppListRequest request, ServerCallContext context)
    {
        var caller = AuthInterceptor.Caller(context);
        var environment = deployments.EnvironmentOf(request.Environment);
        var apps = scheduler.Apps.ToDictionary(a => a.AppId, StringComparer.Ordinal);
        var response = new AppListResponse();
        foreach (var deployment in await platform.Store.LatestDeploymentsAsync(caller.Workspace, environment, context.CancellationToken).ConfigureAwait(false))
        {
            var stopped = deployment.Stopped || !apps.TryGetValue(deployment.AppId, out var app) || app.IsStopped;
            response.Apps.Add(new AppSummary
            {
                AppId = deployment.AppId,
                Name = deployment.Name,
                State = stopped ? AppState.Stopped : AppState.Deployed,
                Version = deployment.Version,
                CreatedAtMs = deployment.DeployedAtMs,
                Environment = environment,
            });
        }

        foreach (var app in apps.Values.Where(a => a.State is AppState.Ephemeral or AppState.Detached && a.Environment == environment && platform.OwnerOf(a.AppId) == caller.Workspace))
        {
            response.Apps.Add(new AppSummary { AppId = app.AppId, Name = app.Name, State = app.State, CreatedAtMs = app.CreatedAtMs, Environment = environment });
        }

        return response;
    }

    public override async Task<AppHistoryResponse> AppHistory(AppHistoryRequest request, ServerCallContext context)
    {
        var caller = AuthInterceptor.Caller(context);
        var environment = deployments.EnvironmentOf(request.Environment);
        var history = await platform.Store.HistoryAsync(caller.Workspace, environment, request.Name, context.CancellationToken).ConfigureAwait(false);
        if (history.Count == 0)
        {
            throw new NotFoundError($"App '{request.Name}' has never been deployed in environment '{environment}'.");
        }

        var response = new AppHistoryResponse();
        response.Versions.AddRange(history.Select((h, i) => new AppVersion
        {
            Version = h.Version,
            AppId = h.AppId,
            DeployedAtMs = h.DeployedAtMs,
            RollbackOf = h.RollbackOf,
            Current = i == 0 && !h.Stopped,
        }));
        return response;
    }

    public override async Task<ScheduleRunNowResponse> ScheduleRunNow(ScheduleRunNowRequest request, ServerCallContext context) =>
        new()
        {
            FunctionCallId = await schedules.RunNowAsync(
                AuthInterceptor.Caller(context).Workspace, deployments.EnvironmentOf(request.Environment), request.AppName, request.FunctionName, context.CancellationToken).ConfigureAwait(false),
        };

    public override async Task<AppLogsResponse> AppLogs(AppLogsRequest request, ServerCallContext context)
    {
        var caller = AuthInterceptor.Caller(context);
        var limit = request.Limit is > 0 and <= 5_000 ? request.Limit : 1_000;
        var entries = await platform.Store.LogsAsync(caller.Workspace, deployments.EnvironmentOf(request.Environment), request.AppName, request.AfterId, limit, context.CancellationToken).ConfigureAwait(false);
        var response = new AppLogsResponse { LastId = entries.Count == 0 ? request.AfterId : entries[^1].Id };
        response.Entries.AddRange(entries.Select(e => new AppLogEntry
        {
            Id = e.Id,
            AtMs = e.AtMs,
            AppId = e.AppId,
            FunctionName = e.FunctionName,
            TaskId = e.TaskId,
            InputId = e.InputId,
            Fd = e.Fd,
            Data = e.Data,
        }));
        return response;
    }

    public override Task<ScheduleRunsResponse> ScheduleRuns(ScheduleRunsRequest request, ServerCallContext context) =>
        schedules.RunsAsync(AuthInterceptor.Caller(context).Workspace, deployments.EnvironmentOf(request.Environment), request.AppName, request.Limit, context.CancellationToken);

    private static void ValidateSecretName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new InvalidError($"'{name}' is not a valid secret name: use 1 to 64 letters, digits, '-', '_' or '.'.");
        }
    }
}
