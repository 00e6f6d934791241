using Modal.Rules;

namespace Modal.Gpus.Tests.Rules;

public sealed class GpuSpecTests
{
    [Theory]
    [InlineData("H100", "H100", 1, false)]
    [InlineData("h100", "H100", 1, false)]
    [InlineData("A100-80GB:2", "A100-80GB", 2, false)]
    [InlineData(" L40S : 8 ", "L40S", 8, false)]
    [InlineData("A100", "A100-40GB", 1, false)]
    [InlineData("H100!", "H100", 1, true)]
    [InlineData("H100!:4", "H100", 4, true)]
    [InlineData("A10G:4", "A10G", 4, false)]
    [InlineData("any", "any", 1, false)]
    [InlineData("ANY:2", "any", 2, false)]
    [InlineData("B200:8", "B200", 8, false)]
    public void Parses_a_single_type(string text, string type, int count, bool exact)
    {
        Assert.True(GpuSpec.TryParse(text, out var requests, out var error, out _), error);

        var request = Assert.Single(requests);
        Assert.Equal(new GpuRequest(type, count, exact), request);
    }

    [Fact]
    public void Parses_an_ordered_fallback_list()
    {
        Assert.True(GpuSpec.TryParse("H100, A100-80GB:2, any", out var requests, out var error, out _), error);

        Assert.Equal(
            [new GpuRequest("H100", 1, false), new GpuRequest("A100-80GB", 2, false), new GpuRequest("any", 1, false)],
            requests);
    }

    [Theory]
    [InlineData("H100", "H100")]
    [InlineData("H100:2", "H100:2")]
    [InlineData("h100!:3", "H100!:3")]
    [InlineData("a100", "A100-40GB")]
    public void Requests_print_in_canonical_form(string text, string printed)
    {
        Assert.True(GpuSpec.TryParse(text, out var requests, out _, out _));

        Assert.Equal(printed, Assert.Single(requests).ToString());
    }

    [Theory]
    [InlineData("", "The GPU setting is empty")]
    [InlineData("   ", "The GPU setting is empty")]
    [InlineData("H100,", "has an empty entry")]
    [InlineData("H100,,T4", "has an empty entry")]
    [InlineData("H100:0", "must be at least 1")]
    [InlineData("H100:-2", "must be at least 1")]
    [InlineData("H100:9", "at most 8 H100")]
    [InlineData("A10G:5", "at most 4 A10G")]
    [InlineData("H100:two", "is not a whole number")]
    [InlineData("H100:", "is not a whole number")]
    [InlineData("A100!", "applies only to H100")]
    [InlineData("H100, T4, H100", "names H100 twice")]
    [InlineData(":2", "names no type")]
    [InlineData("TPU", "Unknown GPU type \"TPU\"")]
    public void Rejects_invalid_settings_with_a_reason(string text, string reason)
    {
        Assert.False(GpuSpec.TryParse(text, out var requests, out var error, out _));

        Assert.Empty(requests);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_type_gets_a_suggestion_for_the_whole_setting()
    {
        Assert.False(GpuSpec.TryParse("H100, A100-80G:2", out _, out var error, out var suggestion));

        Assert.Contains("Did you mean \"A100-80GB\"?", error, StringComparison.Ordinal);
        Assert.Equal("H100, A100-80GB:2", suggestion);
    }

    [Fact]
    public void Unknown_types_list_the_known_ones()
    {
        Assert.False(GpuSpec.TryParse("Radeon", out _, out var error, out var suggestion));

        Assert.Null(suggestion);
        Assert.Contains(string.Join(", ", GpuSpec.KnownTypes), error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("h200", "H200")]
    [InlineData("A100", "A100-40GB")]
    [InlineData("a100-80gb", "A100-80GB")]
    [InlineData("Any", "any")]
    [InlineData("V100", null)]
    public void Canonicalize_maps_spellings_to_known_types(string name, string? canonical)
    {
        Assert.Equal(canonical, GpuSpec.Canonicalize(name));
    }
}
