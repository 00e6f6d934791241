using Microsoft.Data.Sqlite;
using Modal.Manifest;
using Modal.Protocol;

namespace Modal.Server.Tests;

/// <summary>
/// A schedule tick fires exactly once even when `modal server` is killed (SIGKILL, at a crash point the server arms from
/// MODAL_TEST_CRASH_POINT) between claiming the tick and starting its call, or right after starting it.
/// </summary>
public class ScheduleCrashTests
{
    [Theory]
    [InlineData("schedule-after-claim")]
    [InlineData("schedule-after-spawn")]
    public async Task A_tick_interrupted_by_a_hard_kill_runs_exactly_once_after_the_restart(string crashPoint)
    {
        var home = Path.Combine(Path.GetTempPath(), "modal-home-" + Guid.NewGuid().ToString("N")[..12]);
        var state = Path.Combine(home, "state");
        Directory.CreateDirectory(home);
        var port = ServerProcess.FreePort();
        var (server, address) = await ServerProcess.StartAsync(home, state, port, new Dictionary<string, string> { ["MODAL_TEST_CRASH_POINT"] = crashPoint });
        try
        {
            var profile = Assert.Single(ModalProfile.LoadAll(Path.Combine(home, ".modal.toml")));
            var token = new Modal.Auth.TokenCredentials(profile.TokenId!, profile.TokenSecret!);
            using (var connection = new TestConnection(address, token.TokenId, token.TokenSecret))
            {
                await ServerFixture.DeployAsync(connection, "crashy", ScheduledManifest());
            }

            // The first tick (a second after the deploy) kills the server at the crash point.
            await server.WaitForExitAsync(TimeSpan.FromSeconds(90));
            server.Dispose();
            (server, address) = await ServerProcess.StartAsync(home, state, port);

            using (var connection = new TestConnection(address, token.TokenId, token.TokenSecret))
            {
                var deadline = DateTime.UtcNow.AddSeconds(90);
                while ((await connection.Platform.ScheduleRunsAsync(new ScheduleRunsRequest { AppName = "crashy" }, connection.Call)).Runs.Count < 3)
                {
                    Assert.True(DateTime.UtcNow < deadline, "the schedule did not go on after the restart. Server output:\n" + server.Output);
                    await Task.Delay(200);
                }
            }

            await server.KillHardAsync();
            var claims = Query(Path.Combine(state, "platform.db"), "SELECT due_ms, call_id FROM schedule_runs WHERE schedule_key LIKE '%/crashy/Tick' ORDER BY due_ms",
                r => (Due: r.GetInt64(0), CallId: r.IsDBNull(1) ? null : r.GetString(1)));
            var calls = Query(Path.Combine(state, "state.db"),
                "SELECT call_id FROM calls WHERE function_id IN (SELECT function_id FROM functions WHERE name = 'Tick')", r => r.GetString(0));

            Assert.True(claims.Count >= 3);
            Assert.All(claims, c => Assert.NotNull(c.CallId));
            // Every call is a claimed tick's (no tick ran twice under another id), each claim has one call, and only the
            // newest claim may still be on its way to its call when the server was killed.
            Assert.Equal(calls.Count, calls.Distinct().Count());
            Assert.All(calls, id => Assert.Contains(id, claims.Select(c => c.CallId)));
            Assert.Contains(claims[0].CallId, calls);
            Assert.True(claims.Count - calls.Count <= 1, $"{claims.Count} claims but {calls.Count} calls");
        }
        finally
        {
            server.Dispose();
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The test app with Tick: Square's entry without arguments, run every second.</summary>
    private static string ScheduledManifest()
    {
        var manifest = AppManifest.Parse(ServerFixture.Manifest());
        var square = manifest.Functions.Single(f => f.Name == "Square");
        var tick = square with { Name = "Tick", Parameters = [], Schedule = new ScheduleManifest { Kind = "period", PeriodSeconds = 1 } };
        return System.Text.Json.JsonSerializer.Serialize(manifest with { Functions = [.. manifest.Functions, tick] }, AppManifest.JsonOptions);
    }

    private static List<T> Query<T>(string path, string sql, Func<SqliteDataReader, T> read)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
