using Modal.Protocol;
using Modal.Runtime.Tests.Support;
using Modal.Scheduling;

namespace Modal.Runtime.Tests;

public sealed class OutputStreamTests
{
    private static FunctionOutput Output(InputRecord input) => new()
    {
        InputId = input.InputId,
        Idx = input.Idx,
        Result = new FunctionResult { Status = ResultStatus.Success },
    };

    [Fact]
    public async Task A_waiting_reader_wakes_when_an_output_lands_and_resumes_from_its_cursor()
    {
        var function = Sched.Function();
        var call = Sched.Call(function);
        var inputs = Sched.Records(call, 3);
        call.AddInputs(inputs, inputsComplete: true, 0);

        var batch = new List<FunctionOutput>();
        var first = call.Read(0, batch, int.MaxValue);
        Assert.Empty(batch);
        Assert.False(first.Complete);
        Assert.Equal(3, first.NumInputs);
        var changed = Assert.IsAssignableFrom<Task>(first.Changed);
        Assert.False(changed.IsCompleted);

        call.Append([Output(inputs[2])], 5);
        await changed.WaitAsync(TimeSpan.FromSeconds(10));

        var second = call.Read(first.Cursor, batch, int.MaxValue);
        Assert.Equal(inputs[2].InputId, Assert.Single(batch).InputId);
        Assert.Equal(1, second.Cursor);
        Assert.False(second.Complete);

        Assert.True(call.Append([Output(inputs[0]), Output(inputs[1])], 9));
        batch.Clear();
        var third = call.Read(second.Cursor, batch, int.MaxValue);
        Assert.Equal([inputs[0].InputId, inputs[1].InputId], batch.Select(o => o.InputId));
        Assert.True(third.Complete);
        Assert.Equal(3, third.Cursor);
        Assert.Equal(9, call.CompletedAtMs);

        // A reader that reconnects with an older cursor sees the same outputs again, in the same order.
        batch.Clear();
        var again = call.Read(1, batch, int.MaxValue);
        Assert.Equal([inputs[0].InputId, inputs[1].InputId], batch.Select(o => o.InputId));
        Assert.True(again.Complete);
    }

    [Fact]
    public void A_call_is_complete_only_once_its_inputs_are_complete()
    {
        var function = Sched.Function();
        var call = Sched.Call(function);
        var inputs = Sched.Records(call, 1);
        call.AddInputs(inputs, inputsComplete: false, 0);

        Assert.False(call.Append([Output(inputs[0])], 1));
        var batch = new List<FunctionOutput>();
        Assert.False(call.Read(1, batch, int.MaxValue).Complete);

        Assert.True(call.AddInputs([], inputsComplete: true, 2));
        Assert.True(call.Read(1, batch, int.MaxValue).Complete);
    }

    [Fact]
    public void Completion_wakes_a_reader_even_without_a_new_output()
    {
        var function = Sched.Function();
        var call = Sched.Call(function);
        call.AddInputs([], inputsComplete: false, 0);
        var read = call.Read(0, [], int.MaxValue);
        Assert.NotNull(read.Changed);

        call.CloseInputs(1);

        Assert.True(read.Changed!.IsCompleted);
        Assert.True(call.Read(0, [], int.MaxValue).Complete);
    }

    [Fact]
    public void Large_batches_are_split_by_size_but_always_carry_one_output()
    {
        var function = Sched.Function();
        var call = Sched.Call(function);
        var inputs = Sched.Records(call, 5);
        call.AddInputs(inputs, inputsComplete: true, 0);
        call.Append(inputs.Select(Output).ToList(), 0);

        var batch = new List<FunctionOutput>();
        var read = call.Read(0, batch, maxBytes: 1);
        Assert.Single(batch);
        Assert.Equal(1, read.Cursor);
        Assert.False(read.Complete);
    }

    [Fact]
    public void Released_outputs_cannot_be_read_again()
    {
        var function = Sched.Function();
        var call = Sched.Call(function);
        var inputs = Sched.Records(call, 2);
        call.AddInputs(inputs, inputsComplete: true, 0);
        call.Append(inputs.Select(Output).ToList(), 0);

        call.ReleaseOutputs(2);

        Assert.True(call.Read(2, [], int.MaxValue).Complete);
        Assert.Throws<InvalidError>(() => call.Read(0, [], int.MaxValue));
    }
}
