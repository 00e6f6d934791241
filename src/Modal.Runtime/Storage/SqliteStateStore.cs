using Microsoft.Data.Sqlite;
using Modal.Protocol;

namespace Modal.Storage;

/// <summary>
/// <see cref="IStateStore"/> on an embedded SQLite database (WAL, synchronous=NORMAL). One connection serves every
/// request, guarded by a semaphore: SQLite serializes writers anyway. Batches (a spawn_map chunk, a container's outputs)
/// go in one transaction through one prepared statement, so 10,000 spawned inputs cost one commit.
/// </summary>
public sealed class SqliteStateStore : IStateStore
{
    private const int SchemaVersion = 1;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    private SqliteStateStore(SqliteConnection connection) => _connection = connection;

    /// <summary>The database file.</summary>
    public string Path => _connection.DataSource;

    /// <summary>Opens (creating when absent) the database at <paramref name="path"/>.</summary>
    public static async Task<SqliteStateStore> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // Pooling off: a disposed store must release the file, so a test (or a restarted host) reopens it cleanly.
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
            await ExecuteAsync(connection, """
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=NORMAL;
                PRAGMA busy_timeout=5000;
                PRAGMA temp_store=MEMORY;
                """, cancellationToken).ConfigureAwait(false);
            await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new SqliteStateStore(connection);
    }

    public async Task SaveAppAsync(StoredApp app, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                INSERT INTO apps (app_id, name, state, environment, artifact_dir, assembly_file, manifest_json, created_at_ms)
                VALUES ($id, $name, $state, $env, $dir, $file, $manifest, $created)
                ON CONFLICT(app_id) DO UPDATE SET name = excluded.name, state = excluded.state, environment = excluded.environment,
                    artifact_dir = excluded.artifact_dir, assembly_file = excluded.assembly_file, manifest_json = excluded.manifest_json;
                """;
            command.Parameters.AddWithValue("$id", app.AppId);
            command.Parameters.AddWithValue("$name", app.Name);
            command.Parameters.AddWithValue("$state", (int)app.State);
            command.Parameters.AddWithValue("$env", app.Environment);
            command.Parameters.AddWithValue("$dir", app.ArtifactDir);
            command.Parameters.AddWithValue("$file", app.AssemblyFile);
            command.Parameters.AddWithValue("$manifest", app.ManifestJson);
            command.Parameters.AddWithValue("$created", app.CreatedAtMs);
            command.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task SetAppStateAsync(string appId, AppState state, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "UPDATE apps SET state = $state WHERE app_id = $id;";
            command.Parameters.AddWithValue("$id", appId);
            command.Parameters.AddWithValue("$state", (int)state);
            command.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<StoredApp>> LoadAppsAsync(AppState state, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT app_id, name, state, environment, artifact_dir, assembly_file, manifest_json, created_at_ms
                FROM apps WHERE state = $state ORDER BY created_at_ms;
                """;
            command.Parameters.AddWithValue("$state", (int)state);
            using var reader = command.ExecuteReader();
            var apps = new List<StoredApp>();
            while (reader.Read())
            {
                apps.Add(new StoredApp
                {
                    AppId = reader.GetString(0),
                    Name = reader.GetString(1),
                    State = (AppState)reader.GetInt32(2),
                    Environment = reader.GetString(3),
                    ArtifactDir = reader.GetString(4),
                    AssemblyFile = reader.GetString(5),
                    ManifestJson = reader.GetString(6),
                    CreatedAtMs = reader.GetInt64(7),
                });
            }

            return apps;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task SaveFunctionAsync(StoredFunction function, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                INSERT INTO functions (function_id, app_id, name, manifest_json) VALUES ($id, $app, $name, $manifest)
                ON CONFLICT(function_id) DO UPDATE SET name = excluded.name, manifest_json = excluded.manifest_json;
                """;
            command.Parameters.AddWithValue("$id", function.FunctionId);
            command.Parameters.AddWithValue("$app", function.AppId);
            command.Parameters.AddWithValue("$name", function.Name);
            command.Parameters.AddWithValue("$manifest", function.ManifestJson);
            command.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<StoredFunction>> LoadFunctionsAsync(string appId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT function_id, app_id, name, manifest_json FROM functions WHERE app_id = $app ORDER BY rowid;";
            command.Parameters.AddWithValue("$app", appId);
            using var reader = command.ExecuteReader();
            var functions = new List<StoredFunction>();
            while (reader.Read())
            {
                functions.Add(new StoredFunction
                {
                    FunctionId = reader.GetString(0),
                    AppId = reader.GetString(1),
                    Name = reader.GetString(2),
                    ManifestJson = reader.GetString(3),
                });
            }

            return functions;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task SaveInputsAsync(StoredCall call, IReadOnlyList<StoredInput> inputs, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction();
            UpsertCall(transaction, call);
            if (inputs.Count > 0)
            {
                using var command = _connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO inputs (input_id, call_id, idx, args, retry_count, done) VALUES ($id, $call, $idx, $args, $retry, 0);
                    """;
                var id = command.Parameters.Add("$id", SqliteType.Text);
                var callId = command.Parameters.Add("$call", SqliteType.Text);
                var idx = command.Parameters.Add("$idx", SqliteType.Integer);
                var args = command.Parameters.Add("$args", SqliteType.Blob);
                var retry = command.Parameters.Add("$retry", SqliteType.Integer);
                command.Prepare();
                foreach (var input in inputs)
                {
                    id.Value = input.InputId;
                    callId.Value = input.CallId;
                    idx.Value = input.Idx;
                    args.Value = input.Args;
                    retry.Value = input.RetryCount;
                    command.ExecuteNonQuery();
                }
            }

            transaction.Commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task SaveOutputsAsync(StoredCall call, IReadOnlyList<StoredOutput> outputs, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction();
            if (outputs.Count > 0)
            {
                using var insert = _connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT OR REPLACE INTO outputs (call_id, entry_id, input_id, idx, retry_count, result)
                    VALUES ($call, $entry, $input, $idx, $retry, $result);
                    """;
                var callId = insert.Parameters.Add("$call", SqliteType.Text);
                var entry = insert.Parameters.Add("$entry", SqliteType.Integer);
                var inputId = insert.Parameters.Add("$input", SqliteType.Text);
                var idx = insert.Parameters.Add("$idx", SqliteType.Integer);
                var retry = insert.Parameters.Add("$retry", SqliteType.Integer);
                var result = insert.Parameters.Add("$result", SqliteType.Blob);
                insert.Prepare();

                using var done = _connection.CreateCommand();
                done.Transaction = transaction;
                done.CommandText = "UPDATE inputs SET done = 1, retry_count = $retry WHERE input_id = $input;";
                var doneInput = done.Parameters.Add("$input", SqliteType.Text);
                var doneRetry = done.Parameters.Add("$retry", SqliteType.Integer);
                done.Prepare();

                foreach (var output in outputs)
                {
                    callId.Value = output.CallId;
                    entry.Value = output.EntryId;
                    inputId.Value = output.InputId;
                    idx.Value = output.Idx;
                    retry.Value = output.RetryCount;
                    result.Value = output.Result;
                    insert.ExecuteNonQuery();

                    doneInput.Value = output.InputId;
                    doneRetry.Value = output.RetryCount;
                    done.ExecuteNonQuery();
                }
            }

            UpsertCall(transaction, call);
            transaction.Commit();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<StoredCall?> GetCallAsync(string callId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"{SelectCall} WHERE call_id = $id;";
            command.Parameters.AddWithValue("$id", callId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadCall(reader) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<StoredOutput>> GetOutputsAsync(string callId, long afterEntryId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT entry_id, input_id, idx, retry_count, result FROM outputs
                WHERE call_id = $call AND entry_id > $after ORDER BY entry_id;
                """;
            command.Parameters.AddWithValue("$call", callId);
            command.Parameters.AddWithValue("$after", afterEntryId);
            using var reader = command.ExecuteReader();
            var outputs = new List<StoredOutput>();
            while (reader.Read())
            {
                outputs.Add(new StoredOutput
                {
                    CallId = callId,
                    EntryId = reader.GetInt64(0),
                    InputId = reader.GetString(1),
                    Idx = reader.GetInt32(2),
                    RetryCount = reader.GetInt32(3),
                    Result = (byte[])reader.GetValue(4),
                });
            }

            return outputs;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<StoredCall>> LoadIncompleteCallsAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"{SelectCall} WHERE completed_at_ms IS NULL ORDER BY created_at_ms;";
            using var reader = command.ExecuteReader();
            var calls = new List<StoredCall>();
            while (reader.Read())
            {
                calls.Add(ReadCall(reader));
            }

            return calls;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<StoredInput>> LoadUnfinishedInputsAsync(string callId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT input_id, idx, args, retry_count FROM inputs WHERE call_id = $call AND done = 0 ORDER BY idx;";
            command.Parameters.AddWithValue("$call", callId);
            using var reader = command.ExecuteReader();
            var inputs = new List<StoredInput>();
            while (reader.Read())
            {
                inputs.Add(new StoredInput
                {
                    InputId = reader.GetString(0),
                    CallId = callId,
                    Idx = reader.GetInt32(1),
                    Args = (byte[])reader.GetValue(2),
                    RetryCount = reader.GetInt32(3),
                });
            }

            return inputs;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<int> PurgeExpiredAsync(long completedBeforeMs, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                CREATE TEMP TABLE IF NOT EXISTS expiring (call_id TEXT PRIMARY KEY);
                DELETE FROM expiring;
                INSERT INTO expiring SELECT call_id FROM calls WHERE expired = 0 AND completed_at_ms IS NOT NULL AND completed_at_ms < $before;
                DELETE FROM outputs WHERE call_id IN (SELECT call_id FROM expiring);
                DELETE FROM inputs WHERE call_id IN (SELECT call_id FROM expiring);
                UPDATE calls SET expired = 1 WHERE call_id IN (SELECT call_id FROM expiring);
                SELECT COUNT(*) FROM expiring;
                """;
            command.Parameters.AddWithValue("$before", completedBeforeMs);
            var purged = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            transaction.Commit();
            return purged;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        // Waits for an in-flight write so the last transaction is not torn by the close.
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private const string SelectCall = """
        SELECT call_id, function_id, call_type, invocation_type, num_inputs, num_completed, inputs_complete, created_at_ms,
               completed_at_ms, expired
        FROM calls
        """;

    private static StoredCall ReadCall(SqliteDataReader reader) => new()
    {
        CallId = reader.GetString(0),
        FunctionId = reader.GetString(1),
        CallType = (FunctionCallType)reader.GetInt32(2),
        InvocationType = (FunctionCallInvocationType)reader.GetInt32(3),
        NumInputs = reader.GetInt32(4),
        NumCompleted = reader.GetInt32(5),
        InputsComplete = reader.GetInt32(6) != 0,
        CreatedAtMs = reader.GetInt64(7),
        CompletedAtMs = reader.IsDBNull(8) ? null : reader.GetInt64(8),
        Expired = reader.GetInt32(9) != 0,
    };

    private void UpsertCall(SqliteTransaction transaction, StoredCall call)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO calls (call_id, function_id, call_type, invocation_type, num_inputs, num_completed, inputs_complete,
                               created_at_ms, completed_at_ms, expired)
            VALUES ($id, $fn, $type, $inv, $num, $done, $complete, $created, $completed, 0)
            ON CONFLICT(call_id) DO UPDATE SET num_inputs = excluded.num_inputs, num_completed = excluded.num_completed,
                inputs_complete = excluded.inputs_complete, completed_at_ms = excluded.completed_at_ms;
            """;
        command.Parameters.AddWithValue("$id", call.CallId);
        command.Parameters.AddWithValue("$fn", call.FunctionId);
        command.Parameters.AddWithValue("$type", (int)call.CallType);
        command.Parameters.AddWithValue("$inv", (int)call.InvocationType);
        command.Parameters.AddWithValue("$num", call.NumInputs);
        command.Parameters.AddWithValue("$done", call.NumCompleted);
        command.Parameters.AddWithValue("$complete", call.InputsComplete ? 1 : 0);
        command.Parameters.AddWithValue("$created", call.CreatedAtMs);
        command.Parameters.AddWithValue("$completed", (object?)call.CompletedAtMs ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    private static async Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA user_version;";
        var version = Convert.ToInt32(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        if (version == SchemaVersion)
        {
            return;
        }

        if (version > SchemaVersion)
        {
            throw new InvalidError(
                $"The state database {connection.DataSource} was written by a newer Modal (schema {version}; this one reads {SchemaVersion}). " +
                "Upgrade Modal, or point the control plane at another state directory.");
        }

        await ExecuteAsync(connection, $"""
            CREATE TABLE IF NOT EXISTS apps (
                app_id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                state INTEGER NOT NULL,
                environment TEXT NOT NULL,
                artifact_dir TEXT NOT NULL,
                assembly_file TEXT NOT NULL,
                manifest_json TEXT NOT NULL,
                created_at_ms INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS functions (
                function_id TEXT PRIMARY KEY,
                app_id TEXT NOT NULL,
                name TEXT NOT NULL,
                manifest_json TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS functions_by_app ON functions (app_id);
            CREATE TABLE IF NOT EXISTS calls (
                call_id TEXT PRIMARY KEY,
                function_id TEXT NOT NULL,
                call_type INTEGER NOT NULL,
                invocation_type INTEGER NOT NULL,
                num_inputs INTEGER NOT NULL,
                num_completed INTEGER NOT NULL,
                inputs_complete INTEGER NOT NULL,
                created_at_ms INTEGER NOT NULL,
                completed_at_ms INTEGER,
                expired INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS calls_by_completion ON calls (completed_at_ms);
            CREATE TABLE IF NOT EXISTS inputs (
                input_id TEXT PRIMARY KEY,
                call_id TEXT NOT NULL,
                idx INTEGER NOT NULL,
                args BLOB NOT NULL,
                retry_count INTEGER NOT NULL,
                done INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS inputs_by_call ON inputs (call_id, done);
            CREATE TABLE IF NOT EXISTS outputs (
                call_id TEXT NOT NULL,
                entry_id INTEGER NOT NULL,
                input_id TEXT NOT NULL,
                idx INTEGER NOT NULL,
                retry_count INTEGER NOT NULL,
                result BLOB NOT NULL,
                PRIMARY KEY (call_id, entry_id)) WITHOUT ROWID;
            PRAGMA user_version = {SchemaVersion};
            """, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
