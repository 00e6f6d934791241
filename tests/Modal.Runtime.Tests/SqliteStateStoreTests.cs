using Modal.Protocol;
using Modal.Runtime.Tests.Support;
using Modal.Storage;

namespace Modal.Runtime.Tests;

public sealed class SqliteStateStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string DbPath => _dir.Combine("state.db");

    public void Dispose() => _dir.Dispose();

    private static StoredCall Call(string id, int inputs, int completed = 0, bool complete = false, long? completedAt = null) => new()
    {
        CallId = id,
        FunctionId = "fu-1",
        CallType = FunctionCallType.Map,
        InvocationType = FunctionCallInvocationType.Async,
        NumInputs = inputs,
        NumCompleted = completed,
        InputsComplete = complete,
        CreatedAtMs = 1_000,
        CompletedAtMs = completedAt,
    };

    private static StoredInput Input(string callId, int idx) => new()
    {
        InputId = $"in-{callId}-{idx}",
        CallId = callId,
        Idx = idx,
        Args = [(byte)idx, 1, 2],
    };

    private static StoredOutput Output(string callId, int entry, int idx) => new()
    {
        CallId = callId,
        EntryId = entry,
        InputId = $"in-{callId}-{idx}",
        Idx = idx,
        RetryCount = 0,
        Result = [(byte)(idx * 2)],
    };

    [Fact]
    public async Task Spawned_calls_their_inputs_and_outputs_survive_a_reopen()
    {
        await using (var store = await SqliteStateStore.OpenAsync(DbPath))
        {
            await store.SaveAppAsync(new StoredApp
            {
                AppId = "ap-1",
                Name = "jobs",
                State = AppState.Deployed,
                Environment = "main",
                ArtifactDir = "/app",
                AssemblyFile = "Jobs.dll",
                ManifestJson = "{}",
                CreatedAtMs = 5,
            }, CancellationToken.None);
            await store.SaveFunctionAsync(new StoredFunction { FunctionId = "fu-1", AppId = "ap-1", Name = "Process", ManifestJson = "{\"name\":\"Process\"}" }, CancellationToken.None);
            await store.SaveInputsAsync(Call("fc-1", 3), [Input("fc-1", 0), Input("fc-1", 1), Input("fc-1", 2)], CancellationToken.None);
            await store.SaveOutputsAsync(Call("fc-1", 3, completed: 2), [Output("fc-1", 1, 2), Output("fc-1", 2, 0)], CancellationToken.None);
        }

        await using (var reopened = await SqliteStateStore.OpenAsync(DbPath))
        {
            var app = Assert.Single(await reopened.LoadAppsAsync(AppState.Deployed, CancellationToken.None));
            Assert.Equal("jobs", app.Name);
            Assert.Equal("Process", Assert.Single(await reopened.LoadFunctionsAsync("ap-1", CancellationToken.None)).Name);

            var call = await reopened.GetCallAsync("fc-1", CancellationToken.None);
            Assert.Equal(Call("fc-1", 3, completed: 2), call);

            var outputs = await reopened.GetOutputsAsync("fc-1", 0, CancellationToken.None);
            Assert.Equal([2, 0], outputs.Select(o => o.Idx));
            Assert.Equal([4], outputs[0].Result);
            Assert.Equal([0], (await reopened.GetOutputsAsync("fc-1", 1, CancellationToken.None)).Select(o => o.Idx));

            var unfinished = Assert.Single(await reopened.LoadUnfinishedInputsAsync("fc-1", CancellationToken.None));
            Assert.Equal(1, unfinished.Idx);
            Assert.Equal([1, 1, 2], unfinished.Args);
            Assert.Equal("fc-1", Assert.Single(await reopened.LoadIncompleteCallsAsync(CancellationToken.None)).CallId);
        }
    }

    [Fact]
    public async Task Ten_thousand_spawned_inputs_are_stored_in_one_batch()
    {
        await using var store = await SqliteStateStore.OpenAsync(DbPath);
        var inputs = Enumerable.Range(0, 10_000).Select(i => Input("fc-big", i)).ToList();

        await store.SaveInputsAsync(Call("fc-big", 10_000, complete: true), inputs, CancellationToken.None);

        Assert.Equal(10_000, (await store.LoadUnfinishedInputsAsync("fc-big", CancellationToken.None)).Count);
        Assert.Equal(10_000, (await store.GetCallAsync("fc-big", CancellationToken.None))!.NumInputs);
    }

    [Fact]
    public async Task Purging_removes_results_of_calls_completed_before_the_cutoff_and_keeps_the_call()
    {
        await using var store = await SqliteStateStore.OpenAsync(DbPath);
        await store.SaveInputsAsync(Call("fc-old", 1), [Input("fc-old", 0)], CancellationToken.None);
        await store.SaveOutputsAsync(Call("fc-old", 1, 1, true, completedAt: 100), [Output("fc-old", 1, 0)], CancellationToken.None);
        await store.SaveInputsAsync(Call("fc-new", 1), [Input("fc-new", 0)], CancellationToken.None);
        await store.SaveOutputsAsync(Call("fc-new", 1, 1, true, completedAt: 900), [Output("fc-new", 1, 0)], CancellationToken.None);

        Assert.Equal(1, await store.PurgeExpiredAsync(completedBeforeMs: 500, CancellationToken.None));

        var old = await store.GetCallAsync("fc-old", CancellationToken.None);
        Assert.True(old!.Expired);
        Assert.Empty(await store.GetOutputsAsync("fc-old", 0, CancellationToken.None));
        Assert.False((await store.GetCallAsync("fc-new", CancellationToken.None))!.Expired);
        Assert.Single(await store.GetOutputsAsync("fc-new", 0, CancellationToken.None));
        Assert.Equal(0, await store.PurgeExpiredAsync(completedBeforeMs: 500, CancellationToken.None));
    }

    [Fact]
    public async Task The_database_uses_write_ahead_logging()
    {
        await using (await SqliteStateStore.OpenAsync(DbPath))
        {
        }

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DbPath};Pooling=False");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }
}
