using Microsoft.Data.Sqlite;
using Modal.Deployments;

namespace Modal.Auth;

/// <summary>
/// The server-mode tables (workspaces, tokens, ownership of ids, secrets, deployments, schedule ticks) in their own
/// SQLite file, <c>platform.db</c>, beside the scheduler's <c>state.db</c>: an embedded control plane never opens it.
/// </summary>
internal sealed class PlatformStore : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private PlatformStore(SqliteConnection connection) => _connection = connection;

    public static async Task<PlatformStore> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=FULL;
                CREATE TABLE IF NOT EXISTS workspaces (name TEXT PRIMARY KEY, created_at_ms INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS tokens (token_id TEXT PRIMARY KEY, secret_sha256 BLOB NOT NULL, workspace TEXT NOT NULL, created_at_ms INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS owners (id TEXT PRIMARY KEY, workspace TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS secrets (workspace TEXT NOT NULL, environment TEXT NOT NULL, name TEXT NOT NULL,
                    sealed BLOB NOT NULL, keys TEXT NOT NULL, created_at_ms INTEGER NOT NULL, PRIMARY KEY (workspace, environment, name));
                CREATE TABLE IF NOT EXISTS deployments (workspace TEXT NOT NULL, environment TEXT NOT NULL, name TEXT NOT NULL,
                    version INTEGER NOT NULL, app_id TEXT NOT NULL, assembly_file TEXT NOT NULL, manifest_json TEXT NOT NULL,
                    files_json TEXT NOT NULL, deployed_at_ms INTEGER NOT NULL, rollback_of INTEGER NOT NULL, stopped INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (workspace, environment, name, version));
                CREATE TABLE IF NOT EXISTS schedule_runs (schedule_key TEXT NOT NULL, due_ms INTEGER NOT NULL, function_name TEXT NOT NULL,
                    app_id TEXT NOT NULL, call_id TEXT, manual INTEGER NOT NULL, PRIMARY KEY (schedule_key, due_ms, manual));
                CREATE TABLE IF NOT EXISTS container_logs (id INTEGER PRIMARY KEY AUTOINCREMENT, workspace TEXT NOT NULL, environment TEXT NOT NULL,
                    app_name TEXT NOT NULL, app_id TEXT NOT NULL, function_name TEXT NOT NULL, task_id TEXT NOT NULL, input_id TEXT NOT NULL,
                    fd INTEGER NOT NULL, data TEXT NOT NULL, at_ms INTEGER NOT NULL);
                CREATE INDEX IF NOT EXISTS container_logs_by_app ON container_logs (workspace, environment, app_name, id);
                CREATE TABLE IF NOT EXISTS blob_owners (blob_id TEXT NOT NULL, workspace TEXT NOT NULL, PRIMARY KEY (blob_id, workspace));
                """;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new PlatformStore(connection);
    }

    // ----- workspaces and tokens -----

    /// <summary>Creates the workspace unless it exists; true when it was created.</summary>
    public Task<bool> EnsureWorkspaceAsync(string name, long nowMs, CancellationToken cancellationToken) =>
        WithGate(async () => await NonQuery(
            "INSERT OR IGNORE INTO workspaces (name, created_at_ms) VALUES ($n, $t)", cancellationToken, ("$n", name), ("$t", nowMs)) > 0,
            cancellationToken);

    public Task AddTokenAsync(string tokenId, byte[] secretHash, string workspace, long nowMs, CancellationToken cancellationToken) =>
        WithGate(() => NonQuery(
            "INSERT INTO tokens (token_id, secret_sha256, workspace, created_at_ms) VALUES ($id, $h, $w, $t)",
            cancellationToken, ("$id", tokenId), ("$h", secretHash), ("$w", workspace), ("$t", nowMs)), cancellationToken);

    public Task<List<(string TokenId, byte[] Hash, string Workspace)>> LoadTokensAsync(CancellationToken cancellationToken) =>
        WithGate(() => Query("SELECT token_id, secret_sha256, workspace FROM tokens", r => (r.GetString(0), (byte[])r[1], r.GetString(2)), cancellationToken),
            cancellationToken);

    // ----- ownership of ids -----

    public Task SetOwnerAsync(IEnumerable<string> ids, string workspace, CancellationToken cancellationToken) =>
        WithGate(async () =>
        {
            using var transaction = _connection.BeginTransaction();
            foreach (var id in ids)
            {
                using var command = _connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT OR REPLACE INTO owners (id, workspace) VALUES ($id, $w)";
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$w", workspace);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    public Task<List<(string Id, string Workspace)>> LoadOwnersAsync(CancellationToken cancellationToken) =>
        WithGate(() => Query("SELECT id, workspace FROM owners", r => (r.GetString(0), r.GetString(1)), cancellationToken), cancellationToken);

    // ----- secrets -----

    /// <summary>Stores a sealed secret; false when one of that name exists and <paramref name="overwrite"/> is off.</summary>
    public Task<bool> PutSecretAsync(string workspace, string environment, string name, byte[] sealedValues, string keys, bool overwrite, long nowMs, CancellationToken cancellationToken) =>
        WithGate(async () => await NonQuery(
            (overwrite ? "INSERT OR REPLACE" : "INSERT OR IGNORE") +
            " INTO secrets (workspace, environment, name, sealed, keys, created_at_ms) VALUES ($w, $e, $n, $s, $k, $t)",
            cancellationToken, ("$w", workspace), ("$e", environment), ("$n", name), ("$s", sealedValues), ("$k", keys), ("$t", nowMs)) > 0,
            cancellationToken);

    public Task<byte[]?> GetSecretAsync(string workspace, string environment, string name, CancellationToken cancellationToken) =>
        WithGate(async () => (await Query(
            "SELECT sealed FROM secrets WHERE workspace = $w AND environment = $e AND name = $n", r => (byte[])r[0], cancellationToken,
            ("$w", workspace), ("$e", environment), ("$n", name)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    public Task<List<(string Name, string Keys, long CreatedAtMs)>> ListSecretsAsync(string workspace, string environment, CancellationToken cancellationToken) =>
        WithGate(() => Query(
            "SELECT name, keys, created_at_ms FROM secrets WHERE workspace = $w AND environment = $e ORDER BY name",
            r => (r.GetString(0), r.GetString(1), r.GetInt64(2)), cancellationToken, ("$w", workspace), ("$e", environment)), cancellationToken);

    public Task<bool> DeleteSecretAsync(string workspace, string environment, string name, CancellationToken cancellationToken) =>
        WithGate(async () => await NonQuery(
            "DELETE FROM secrets WHERE workspace = $w AND environment = $e AND name = $n",
            cancellationToken, ("$w", workspace), ("$e", environment), ("$n", name)) > 0, cancellationToken);

    // ----- deployments -----

    public Task AddDeploymentAsync(DeploymentRecord record, CancellationToken cancellationToken) =>
        WithGate(() => NonQuery("""
            INSERT INTO deployments (workspace, environment, name, version, app_id, assembly_file, manifest_json, files_json, deployed_at_ms, rollback_of, stopped)
            VALUES ($w, $e, $n, $v, $a, $f, $m, $files, $t, $r, 0)
            """, cancellationToken, ("$w", record.Workspace), ("$e", record.Environment), ("$n", record.Name), ("$v", record.Version),
            ("$a", record.AppId), ("$f", record.AssemblyFile), ("$m", record.ManifestJson), ("$files", record.FilesJson),
            ("$t", record.DeployedAtMs), ("$r", record.RollbackOf)), cancellationToken);

    public Task MarkStoppedAsync(string workspace, string environment, string name, CancellationToken cancellationToken) =>
        WithGate(() => NonQuery(
            "UPDATE deployments SET stopped = 1 WHERE workspace = $w AND environment = $e AND name = $n",
            cancellationToken, ("$w", workspace), ("$e", environment), ("$n", name)), cancellationToken);

    /// <summary>Versions of one app name, newest first.</summary>
    public Task<List<DeploymentRecord>> HistoryAsync(string workspace, string environment, string name, CancellationToken cancellationToken) =>
        WithGate(() => Query(
            SelectDeployments + " WHERE workspace = $w AND environment = $e AND name = $n ORDER BY version DESC",
            ReadDeployment, cancellationToken, ("$w", workspace), ("$e", environment), ("$n", name)), cancellationToken);

    /// <summary>The newest version of every app name of a workspace's environment.</summary>
    public Task<List<DeploymentRecord>> LatestDeploymentsAsync(string workspace, string environment, CancellationToken cancellationToken) =>
        WithGate(() => Query(
            SelectDeployments + " d WHERE workspace = $w AND environment = $e AND version = " +
            "(SELECT MAX(version) FROM deployments x WHERE x.workspace = d.workspace AND x.environment = d.environment AND x.name = d.name) ORDER BY name",
            ReadDeployment, cancellationToken, ("$w", workspace), ("$e", environment)), cancellationToken);

    public Task<List<DeploymentRecord>> AllDeploymentsAsync(CancellationToken cancellationToken) =>
        WithGate(() => Query(SelectDeployments + " ORDER BY version DESC", ReadDeployment, cancellationToken), cancellationToken);

    // ----- schedule runs -----

    /// <summary>
    /// Claims a tick together with the id its call will have; false when it was claimed before (by this or an earlier
    /// run of the server). The call is started after the claim, under that id, so a restart can tell whether it was.
    /// </summary>
    public Task<bool> ClaimTickAsync(string scheduleKey, long dueMs, string functionName, string appId, bool manual, string callId, CancellationToken cancellationToken) =>
        WithGate(async () => await NonQuery(
            "INSERT OR IGNORE INTO schedule_runs (schedule_key, due_ms, function_name, app_id, call_id, manual) VALUES ($k, $d, $f, $a, $c, $m)",
            cancellationToken, ("$k", scheduleKey), ("$d", dueMs), ("$f", functionName), ("$a", appId), ("$c", callId), ("$m", manual ? 1 : 0)) > 0, cancellationToken);

    public Task SetTickCallAsync(string scheduleKey, long dueMs, bool manual, string callId, CancellationToken cancellationToken) =>
        WithGate(() => NonQuery(
            "UPDATE schedule_runs SET call_id = $c WHERE schedule_key = $k AND due_ms = $d AND manual = $m",
            cancellationToken, ("$c", callId), ("$k", scheduleKey), ("$d", dueMs), ("$m", manual ? 1 : 0)), cancellationToken);

    /// <summary>The latest scheduled (not manual) tick of a schedule, or null.</summary>
    public Task<long?> LastTickAsync(string scheduleKey, CancellationToken cancellationToken) =>
        WithGate(async () => (await Query(
            "SELECT MAX(due_ms) FROM schedule_runs WHERE schedule_key = $k AND manual = 0",
            r => r.IsDBNull(0) ? (long?)null : r.GetInt64(0), cancellationToken, ("$k", scheduleKey)).ConfigureAwait(false)).FirstOrDefault(), cancellationToken);

    /// <summary>
    /// The ticks a server that died may have claimed without starting their call: the latest claim of each schedule
    /// (scheduled and run-now apart) due since <paramref name="sinceMs"/> (claims and starts happen one at a time, so only
    /// the latest can be half done), and claims written before calls had their id recorded up front (no call id).
    /// </summary>
    public Task<List<(string Key, long DueMs, string Function, string AppId, bool Manual, string? CallId)>> RecentClaimsAsync(long sinceMs, CancellationToken cancellationToken) =>
        WithGate(() => Query(
            "SELECT schedule_key, due_ms, function_name, app_id, manual, call_id FROM schedule_runs r WHERE call_id IS NULL OR (due_ms >= $since AND " +
            "due_ms = (SELECT MAX(due_ms) FROM schedule_runs x WHERE x.schedule_key = r.schedule_key AND x.manual = r.manual))",
            r => (r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetInt32(4) != 0, r.IsDBNull(5) ? null : r.GetString(5)),
            cancellationToken, ("$since", sinceMs)), cancellationToken);

    public Task<List<(string Function, long DueMs, string? CallId, bool Manual)>> RunsAsync(string keyPrefix, int limit, CancellationToken cancellationToken) =>
        WithGate(() => Query(
            "SELECT function_name, due_ms, call_id, manual FROM schedule_runs WHERE substr(schedule_key, 1, length($p)) = $p ORDER BY due_ms DESC LIMIT $l",
            r => (r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3) != 0), cancellationToken, ("$p", keyPrefix), ("$l", limit)),
            cancellationToken);

    // ----- container logs -----

    /// <summary>
    /// Appends log entries in one transaction, then drops the oldest entries of each app name past
    /// <paramref name="keepPerApp"/>, so the table stays bounded however much the containers write.
    /// </summary>
    public Task AppendLogsAsync(IReadOnlyList<StoredLogEntry> entries, int keepPerApp, CancellationToken cancellationToken) =>
        WithGate(async () =>
        {
            using var transaction = _connection.BeginTransaction();
            foreach (var entry in entries)
            {
                using var command = _connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText =
                    "INSERT INTO container_logs (workspace, environment, app_name, app_id, function_name, task_id, input_id, fd, data, at_ms) " +
                    "VALUES ($w, $e, $n, $a, $f, $t, $i, $fd, $d, $at)";
                command.Parameters.AddWithValue("$w", entry.Workspace);
                command.Parameters.AddWithValue("$e", entry.Environment);
                command.Parameters.AddWithValue("$n", entry.AppName);
                command.Parameters.AddWithValue("$a", entry.AppId);
                command.Parameters.AddWithValue("$f", entry.FunctionName);
                command.Parameters.AddWithValue("$t", entry.TaskId);
                command.Parameters.AddWithValue("$i", entry.InputId);
                command.Parameters.AddWithValue("$fd", entry.Fd);
                command.Parameters.AddWithValue("$d", entry.Data);
                command.Parameters.AddWithValue("$at", entry.AtMs);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var app in entries.Select(e => (e.Workspace, e.Environment, e.AppName)).Distinct())
            {
                using var prune = _connection.CreateCommand();
                prune.Transaction = transaction;
                prune.CommandText =
                    "DELETE FROM container_logs WHERE workspace = $w AND environment = $e AND app_name = $n AND id <= " +
                    "(SELECT id FROM container_logs WHERE workspace = $w AND environment = $e AND app_name = $n ORDER BY id DESC LIMIT 1 OFFSET $keep)";
                prune.Parameters.AddWithValue("$w", app.Workspace);
                prune.Parameters.AddWithValue("$e", app.Environment);
                prune.Parameters.AddWithValue("$n", app.AppName);
                prune.Parameters.AddWithValue("$keep", keepPerApp);
                await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    /// <summary>Entries of one app name after <paramref name="afterId"/>, oldest first.</summary>
    public Task<List<StoredLogEntry>> LogsAsync(string workspace, string environment, string appName, long afterId, int limit, CancellationToken cancellationToken) =>
        WithGate(() => Query(
            "SELECT id, workspace, environment, app_name, app_id, function_name, task_id, input_id, fd, data, at_ms FROM container_logs " +
            "WHERE workspace = $w AND environment = $e AND app_name = $n AND id > $after ORDER BY id LIMIT $l",
            r => new StoredLogEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetInt32(8), r.GetString(9), r.GetInt64(10)),
            cancellationToken, ("$w", workspace), ("$e", environment), ("$n", appName), ("$after", afterId), ("$l", limit)), cancellationToken);

    // ----- blob ownership -----

    public Task AddBlobOwnerAsync(string blobId, string workspace, CancellationToken cancellationToken) =>
        WithGate(() => NonQuery(
            "INSERT OR IGNORE INTO blob_owners (blob_id, workspace) VALUES ($b, $w)", cancellationToken, ("$b", blobId), ("$w", workspace)), cancellationToken);

    public Task<List<(string BlobId, string Workspace)>> LoadBlobOwnersAsync(CancellationToken cancellationToken) =>
        WithGate(() => Query("SELECT blob_id, workspace FROM blob_owners", r => (r.GetString(0), r.GetString(1)), cancellationToken), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private const string SelectDeployments =
        "SELECT workspace, environment, name, version, app_id, assembly_file, manifest_json, files_json, deployed_at_ms, rollback_of, stopped FROM deployments";

    private static DeploymentRecord ReadDeployment(SqliteDataReader r) => new()
    {
        Workspace = r.GetString(0),
        Environment = r.GetString(1),
        Name = r.GetString(2),
        Version = r.GetInt32(3),
        AppId = r.GetString(4),
        AssemblyFile = r.GetString(5),
        ManifestJson = r.GetString(6),
        FilesJson = r.GetString(7),
        DeployedAtMs = r.GetInt64(8),
        RollbackOf = r.GetInt32(9),
        Stopped = r.GetInt32(10) != 0,
    };

    private async Task<T> WithGate<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<int> NonQuery(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<T>> Query<T>(string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<T>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
