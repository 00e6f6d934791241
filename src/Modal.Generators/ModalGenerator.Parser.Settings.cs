using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Modal.Generators.Diagnostics;
using Modal.Generators.Helpers;
using Modal.Generators.Model;

namespace Modal.Generators;

public sealed partial class ModalGenerator
{
    internal sealed partial class Parser
    {
        /// <summary>
        /// Reads the settings a function's (or a [Cls] class's) attributes state. Only named arguments the user wrote count,
        /// so a setting left out stays null and the platform's default applies. <paramref name="method"/> is the symbol that
        /// carries the attributes: the function's method, or the class.
        /// </summary>
        private SettingsModel ParseSettings(
            ISymbol method,
            AttributeData function,
            AttributeData? app,
            string functionName,
            LocationInfo? location,
            CancellationToken cancellationToken,
            bool readImage = true)
        {
            var retries = NamedInt(function, "Retries") is int fixedRetries
                ? new RetriesModel(fixedRetries, 1.0, 1.0, 1.0)
                : null;
            if (FindAttribute(method, "RetriesAttribute") is { } retriesAttribute)
            {
                if (retries is not null)
                {
                    Report(Descriptors.ConflictingSettings, location, functionName, "sets both Retries = ... and [Retries]; keep one of them");
                }

                retries = new RetriesModel(
                    retriesAttribute.ConstructorArguments.FirstOrDefault().Value as int? ?? 0,
                    NamedDouble(retriesAttribute, "BackoffCoefficient") ?? 2.0,
                    NamedDouble(retriesAttribute, "InitialDelay") ?? 1.0,
                    NamedDouble(retriesAttribute, "MaxDelay") ?? 60.0);
            }

            ConcurrencyModel? concurrency = null;
            if (FindAttribute(method, "ConcurrentAttribute") is { } concurrent)
            {
                concurrency = new ConcurrencyModel(NamedInt(concurrent, "MaxInputs") ?? 0, NamedInt(concurrent, "TargetInputs"));
            }

            BatchingModel? batching = null;
            if (FindAttribute(method, "BatchedAttribute") is { } batched)
            {
                batching = new BatchingModel(NamedInt(batched, "MaxBatchSize") ?? 0, NamedInt(batched, "WaitMs") ?? 0);
            }

            ClusterModel? cluster = null;
            if (FindAttribute(method, "ClusteredAttribute") is { } clustered)
            {
                cluster = new ClusterModel(NamedInt(clustered, "Size") ?? 0, NamedBool(clustered, "Rdma") ?? false);
            }

            var schedule = ParseSchedule(method, functionName, location);
            var web = ParseWeb(method, functionName, location);

            // Only the function's own image: the app's default is read once with the app and applied by BuildGeneration.
            var imageMember = NamedString(function, "Image");
            var imageHost = method as INamedTypeSymbol ?? method.ContainingType;
            var image = imageMember is null || !readImage ? null : ParseImage(imageHost, imageMember, location, cancellationToken);

            var secrets = (app is null ? [] : NamedStrings(app, "Secrets")).Concat(NamedStrings(function, "Secrets")).ToList();

            var volumes = new List<VolumeModel>();
            foreach (var attribute in method.GetAttributes())
            {
                if (IsModalType(attribute.AttributeClass, "VolumeAttribute") && attribute.ConstructorArguments.Length == 2)
                {
                    volumes.Add(new VolumeModel(
                        attribute.ConstructorArguments[0].Value as string ?? "",
                        attribute.ConstructorArguments[1].Value as string ?? ""));
                }
            }

            return new SettingsModel
            {
                Gpu = NamedString(function, "Gpu"),
                Cpu = NamedDouble(function, "Cpu"),
                CpuLimit = NamedDouble(function, "CpuLimit"),
                MemoryMiB = NamedInt(function, "Memory"),
                MemoryLimitMiB = NamedInt(function, "MemoryLimit"),
                EphemeralDiskMiB = NamedInt(function, "EphemeralDisk"),
                TimeoutSeconds = NamedInt(function, "Timeout"),
                StartupTimeoutSeconds = NamedInt(function, "StartupTimeout"),
                Retries = retries,
                MinContainers = NamedInt(function, "MinContainers"),
                MaxContainers = NamedInt(function, "MaxContainers"),
                BufferContainers = NamedInt(function, "BufferContainers"),
                ScaledownWindowSeconds = NamedInt(function, "ScaledownWindow"),
                MaxInputs = NamedInt(function, "MaxInputs"),
                Concurrency = concurrency,
                Batching = batching,
                Cluster = cluster,
                Schedule = schedule,
                Web = web,
                Image = image,
                Secrets = secrets.Count == 0 ? null : secrets.ToEquatableArray(),
                Volumes = volumes.Count == 0 ? null : volumes.ToEquatableArray(),
                Region = NamedString(function, "Region"),
                Cloud = NamedString(function, "Cloud"),
                RestrictModalAccess = NamedBool(function, "RestrictModalAccess"),
                BlockNetwork = NamedBool(function, "BlockNetwork"),
            };
        }

        /// <summary>
        /// The settings of a [Function] as the analyzers see them: the same reading as the generator's, without the image
        /// recipe (its own diagnostics belong to the generator) and without reporting.
        /// </summary>
        internal SettingsModel ReadSettings(IMethodSymbol method, AttributeData function, AttributeData? app, CancellationToken cancellationToken) =>
            ParseSettings(method, function, app, FunctionName(method, function), null, cancellationToken, readImage: false);

        /// <summary>
        /// What the configuration rules judge for a [Cls] class, read as the generator reads it: the class's settings, with
        /// the batching of its [Batched] method (returned too, as the rules' messages may point at it).
        /// </summary>
        internal (Modal.Rules.FunctionSettings Input, IMethodSymbol? Batched) ReadClsRuleInput(INamedTypeSymbol type, AttributeData cls, CancellationToken cancellationToken)
        {
            var name = NamedString(cls, "Name") ?? type.Name;
            var settings = ParseSettings(type, cls, null, name, null, cancellationToken, readImage: false);
            var batched = type.GetMembers().OfType<IMethodSymbol>().FirstOrDefault(m => FindAttribute(m, "BatchedAttribute") is not null);
            if (batched is not null && FindAttribute(batched, "BatchedAttribute") is { } batchedAttribute)
            {
                settings = settings with { Batching = new BatchingModel(NamedInt(batchedAttribute, "MaxBatchSize") ?? 0, NamedInt(batchedAttribute, "WaitMs") ?? 0) };
            }

            return (ClsRuleInput(name, settings, batched), batched);
        }

        /// <summary>The function's name in the manifest: the method name unless [Function(Name = ...)] overrides it.</summary>
        internal static string FunctionName(IMethodSymbol method, AttributeData function) => NamedString(function, "Name") ?? method.Name;

        /// <summary>
        /// The values the shared configuration rules (<see cref="Modal.Rules.FunctionRules"/>) judge: the parsed settings
        /// plus the parts of the signature the rules depend on.
        /// </summary>
        internal static Modal.Rules.FunctionSettings RuleInput(string name, SettingsModel s, IMethodSymbol method)
        {
            var valueParameters = method.Parameters.Where(p => !IsCancellationToken(p.Type)).ToList();
            var settings = SettingsRuleInput(name, s);
            settings.IsGenerator = ClassifyReturn(method).Shape is ResultShape.AsyncEnumerable or ResultShape.Enumerable;
            settings.ParameterCount = valueParameters.Count;
            settings.ParametersWithDefaults = valueParameters.Where(p => p.HasExplicitDefaultValue).Select(p => p.Name).ToList();
            return settings;
        }

        /// <summary>The parsed settings as the shared rules see them, for a function or a [Cls] class alike.</summary>
        internal static Modal.Rules.FunctionSettings SettingsRuleInput(string name, SettingsModel s) => new Modal.Rules.FunctionSettings
        {
            Name = name,
            Gpu = s.Gpu,
            Cpu = s.Cpu,
            CpuLimit = s.CpuLimit,
            MemoryMiB = s.MemoryMiB,
            MemoryLimitMiB = s.MemoryLimitMiB,
            EphemeralDiskMiB = s.EphemeralDiskMiB,
            TimeoutSeconds = s.TimeoutSeconds,
            StartupTimeoutSeconds = s.StartupTimeoutSeconds,
            MaxRetries = s.Retries?.MaxRetries,
            BackoffCoefficient = s.Retries?.BackoffCoefficient ?? 1.0,
            InitialDelaySeconds = s.Retries?.InitialDelaySeconds ?? 1.0,
            MaxDelaySeconds = s.Retries?.MaxDelaySeconds ?? 1.0,
            MinContainers = s.MinContainers,
            MaxContainers = s.MaxContainers,
            BufferContainers = s.BufferContainers,
            ScaledownWindowSeconds = s.ScaledownWindowSeconds,
            MaxInputs = s.MaxInputs,
            IsConcurrent = s.Concurrency is not null,
            ConcurrentMaxInputs = s.Concurrency?.MaxInputs ?? 0,
            ConcurrentTargetInputs = s.Concurrency?.TargetInputs,
            IsBatched = s.Batching is not null,
            MaxBatchSize = s.Batching?.MaxBatchSize ?? 0,
            BatchWaitMs = s.Batching?.WaitMs ?? 0,
            IsClustered = s.Cluster is not null,
            ClusterSize = s.Cluster?.Size ?? 0,
            ClusterRdma = s.Cluster?.Rdma ?? false,
            ScheduleKind = s.Schedule?.Kind,
            PeriodSeconds = s.Schedule?.PeriodSeconds,
            Cron = s.Schedule?.Cron,
            TimeZone = s.Schedule?.TimeZone,
            WebKind = s.Web?.Kind,
            Volumes = s.Volumes is { } volumes
                ? volumes.Select(v => new KeyValuePair<string, string>(v.MountPath, v.Name)).ToList()
                : new List<KeyValuePair<string, string>>(),
        };

        private ScheduleModel? ParseSchedule(ISymbol method, string functionName, LocationInfo? location)
        {
            var period = FindAttribute(method, "PeriodAttribute");
            var cron = FindAttribute(method, "CronAttribute");
            if (period is not null && cron is not null)
            {
                Report(Descriptors.ConflictingSettings, location, functionName, "has both [Period] and [Cron]; a function has one schedule");
            }

            if (period is not null)
            {
                var seconds = ((NamedInt(period, "Days") ?? 0) * 86400.0) + ((NamedInt(period, "Hours") ?? 0) * 3600.0) +
                    ((NamedInt(period, "Minutes") ?? 0) * 60.0) + (NamedDouble(period, "Seconds") ?? 0);
                return new ScheduleModel("period", seconds, null, null);
            }

            if (cron is not null)
            {
                return new ScheduleModel(
                    "cron",
                    null,
                    cron.ConstructorArguments.FirstOrDefault().Value as string ?? "",
                    NamedString(cron, "TimeZone"));
            }

            return null;
        }

        private WebModel? ParseWeb(ISymbol method, string functionName, LocationInfo? location)
        {
            var endpoint = FindAttribute(method, "WebEndpointAttribute");
            var app = FindAttribute(method, "WebAppAttribute");
            var server = FindAttribute(method, "WebServerAttribute");
            if ((endpoint is null ? 0 : 1) + (app is null ? 0 : 1) + (server is null ? 0 : 1) > 1)
            {
                Report(Descriptors.ConflictingSettings, location, functionName, "has more than one of [WebEndpoint], [WebApp] and [WebServer]; keep one");
            }

            if (endpoint is not null)
            {
                return new WebModel("endpoint", NamedString(endpoint, "Method"), NamedBool(endpoint, "Docs"), NamedString(endpoint, "Label"), NamedBool(endpoint, "RequiresProxyAuth"), null, null);
            }

            if (app is not null)
            {
                return new WebModel("app", null, null, NamedString(app, "Label"), NamedBool(app, "RequiresProxyAuth"), null, null);
            }

            if (server is not null)
            {
                return new WebModel(
                    "server",
                    null,
                    null,
                    NamedString(server, "Label"),
                    NamedBool(server, "RequiresProxyAuth"),
                    server.ConstructorArguments.FirstOrDefault().Value as int?,
                    NamedDouble(server, "StartupTimeout"));
            }

            return null;
        }

        private static TypedConstant? Named(AttributeData attribute, string name)
        {
            foreach (var argument in attribute.NamedArguments)
            {
                if (argument.Key == name)
                {
                    return argument.Value;
                }
            }

            return null;
        }

        internal static string? NamedString(AttributeData attribute, string name) => Named(attribute, name)?.Value as string;

        internal static int? NamedInt(AttributeData attribute, string name) => Named(attribute, name)?.Value is int value ? value : null;

        internal static bool? NamedBool(AttributeData attribute, string name) => Named(attribute, name)?.Value is bool value ? value : null;

        internal static double? NamedDouble(AttributeData attribute, string name) => Named(attribute, name)?.Value switch
        {
            double d => d,
            float f => f,
            int i => i,
            _ => null,
        };

        internal static IEnumerable<string> NamedStrings(AttributeData attribute, string name)
        {
            if (Named(attribute, name) is { Kind: TypedConstantKind.Array } array)
            {
                foreach (var value in array.Values)
                {
                    if (value.Value is string s)
                    {
                        yield return s;
                    }
                }
            }
        }
    }
}
