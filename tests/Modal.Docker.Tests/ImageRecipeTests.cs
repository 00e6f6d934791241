using Modal.Images;
using Modal.Manifest;

namespace Modal.Docker.Tests;

/// <summary>Recipe rules checked at deploy, and layer keys, without an engine.</summary>
public sealed class ImageRecipeTests
{
    [Fact]
    public void A_build_step_after_a_mounted_folder_is_refused_with_the_copy_hint()
    {
        var problems = ImageRecipe.Check(Recipe(
            Step(ImageStepKinds.AddLocalDir, "data", "/data", "mount"),
            Step(ImageStepKinds.RunCommands, "ls /data")));

        var problem = Assert.Single(problems);
        Assert.Contains("copy: true", problem);
    }

    [Fact]
    public void Build_steps_after_a_copied_folder_are_fine()
    {
        Assert.Empty(ImageRecipe.Check(Recipe(
            Step(ImageStepKinds.AddLocalDir, "data", "/data", "copy"),
            Step(ImageStepKinds.RunCommands, "ls /data"),
            Step(ImageStepKinds.AddLocalFile, "a.txt", "/a.txt", "mount"))));
    }

    [Fact]
    public void RunFunction_is_refused_by_name_until_the_builder_supports_it()
    {
        var problem = Assert.Single(ImageRecipe.Check(Recipe(Step(ImageStepKinds.RunFunction, "Download"))));

        Assert.Contains("run_function", problem);
        Assert.Contains("not supported", problem);
    }

    [Fact]
    public void Changing_a_step_changes_its_key_and_the_keys_after_it()
    {
        var a = new BuildStep(ImageStepKinds.RunCommands, ["echo a"]);
        var b = new BuildStep(ImageStepKinds.RunCommands, ["echo b"]);
        var base1 = ImageRecipe.LayerKey(null, new BuildStep(ImageStepKinds.DebianSlim, []));

        var keyA = ImageRecipe.LayerKey(base1, a);
        var afterA = ImageRecipe.LayerKey(keyA, b);
        var keyB = ImageRecipe.LayerKey(base1, b);
        var afterB = ImageRecipe.LayerKey(keyB, b);

        Assert.Equal(keyA, ImageRecipe.LayerKey(base1, a));
        Assert.NotEqual(keyA, keyB);
        Assert.NotEqual(afterA, afterB);
    }

    private static ImageManifest Recipe(params ImageStepManifest[] steps) =>
        new() { Steps = [new ImageStepManifest { Kind = ImageStepKinds.DebianSlim }, .. steps] };

    private static ImageStepManifest Step(string kind, params string[] args) => new() { Kind = kind, Args = args };
}
