using static Modal.TestApp.TestApp;

namespace Modal.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class InputContextTests(CapturedOutputFixture app) : IClassFixture<CapturedOutputFixture>
{
    [Fact]
    public async Task Concurrent_inputs_see_their_own_input_and_call_ids_and_their_log_lines_carry_them()
    {
        var seen = (await Functions.WhoAmI.MapAsync([500, 500, 500, 500]).ToListAsync()).Select(s => s.Split('|')).ToList();

        var inputIds = seen.Select(s => s[0]).ToList();
        Assert.All(inputIds, id => Assert.StartsWith("in-", id));
        Assert.Equal(4, inputIds.Distinct().Count());
        Assert.Single(seen.Select(s => s[1]).Distinct());
        Assert.StartsWith("fc-", seen[0][1]);

        var lines = await app.Lines.WaitForAsync(l => inputIds.All(id => l.Any(x => x.Contains($"end {id}"))), TimeSpan.FromSeconds(20));
        foreach (var id in inputIds)
        {
            Assert.Contains($"[WhoAmI {id}] start {id}", lines);
            Assert.Contains($"[WhoAmI {id}] end {id}", lines);
        }
    }

    [Fact]
    public async Task MaxInputs_of_one_gives_each_input_a_fresh_container()
    {
        var containers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            containers.Add(await Functions.SingleUse.RemoteAsync(i));
        }

        Assert.Equal(3, containers.Distinct().Count());
    }
}
