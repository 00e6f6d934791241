namespace Modal.Worker.Tests;

public sealed class InputSlotsTests
{
    [Fact]
    public void A_new_container_asks_for_one_input_per_slot()
    {
        var slots = new InputSlots<string>(slots: 3, maxInputs: 0);

        Assert.Equal(3, slots.TakeCredits());
        Assert.Equal(0, slots.TakeCredits());
    }

    [Fact]
    public void Inputs_beyond_the_slots_wait_and_take_the_next_free_slot()
    {
        var slots = new InputSlots<string>(slots: 1, maxInputs: 0);

        Assert.True(slots.Accept("a"));
        Assert.False(slots.Accept("b"));
        Assert.Equal(2, slots.Held);

        Assert.Equal("b", slots.Complete(10));
        Assert.Null(slots.Complete(10));
        Assert.Equal(0, slots.Held);
    }

    [Fact]
    public void Short_inputs_earn_a_look_ahead_and_long_ones_do_not()
    {
        var fast = new InputSlots<string>(slots: 1, maxInputs: 0);
        fast.TakeCredits();
        fast.Accept("a");
        fast.Complete(durationMicroseconds: 20);
        Assert.Equal(InputSlots<string>.MaxPrefetch, fast.PrefetchTarget);
        Assert.Equal(1 + InputSlots<string>.MaxPrefetch, fast.TakeCredits());

        var slow = new InputSlots<string>(slots: 1, maxInputs: 0);
        slow.TakeCredits();
        slow.Accept("a");
        slow.Complete(durationMicroseconds: 1_500_000);
        Assert.Equal(0, slow.PrefetchTarget);
        Assert.Equal(1, slow.TakeCredits());
    }

    [Fact]
    public void Credits_never_exceed_max_inputs()
    {
        var slots = new InputSlots<string>(slots: 4, maxInputs: 2);

        Assert.Equal(2, slots.TakeCredits());
        slots.Accept("a");
        slots.Accept("b");
        Assert.True(slots.ReachedMaxInputs);
        slots.Complete(5);
        Assert.Equal(0, slots.TakeCredits());
    }

    [Fact]
    public void A_draining_container_asks_for_nothing()
    {
        var slots = new InputSlots<string>(slots: 2, maxInputs: 0);
        slots.Close();

        Assert.Equal(0, slots.TakeCredits());
    }

    [Fact]
    public void A_batched_container_asks_for_no_look_ahead_however_short_its_batches()
    {
        var slots = new InputSlots<string>(slots: 1, maxInputs: 0, prefetch: false);
        Assert.Equal(1, slots.TakeCredits());
        slots.Accept("batch-1");
        slots.Complete(durationMicroseconds: 20);

        Assert.Equal(0, slots.PrefetchTarget);
        Assert.Equal(1, slots.TakeCredits());
    }
}
