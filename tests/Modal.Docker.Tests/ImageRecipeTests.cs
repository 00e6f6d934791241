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
    public void RunFunction_after_a_mounted_folder_is_refused_like_any_build_step()
    {
        var problem = Assert.Single(ImageRecipe.Check(Recipe(
            Step(ImageStepKinds.AddLocalDir, "data", "/data", "mount"),
            Step(ImageStepKinds.RunFunction, "Download"))));

        Assert.Contains("run_function", problem);
        Assert.Contains("copy: true", problem);
    }

    [Fact]
    public void RunFunction_resolves_the_function_its_entry_key_secrets_and_timeout_from_the_app()
    {
        var app = new ImageApp("App.dll", [Function("Download") with { Secrets = ["hf"], TimeoutSeconds = 90 }]);

        var recipe = ImageRecipe.Resolve(Recipe(Step(ImageStepKinds.RunFunction, "Download")), Path.GetTempPath(), app);

        var run = recipe.Layers[1].Run!;
        Assert.Equal("Tests.Download", run.EntryKey);
        Assert.Equal("App.dll", run.AssemblyFile);
        Assert.Equal(["hf"], run.Secrets);
        Assert.Equal(TimeSpan.FromSeconds(90), run.Timeout);
    }

    [Fact]
    public void RunFunction_without_a_Timeout_gets_the_reference_default_of_an_hour()
    {
        var recipe = ImageRecipe.Resolve(Recipe(Step(ImageStepKinds.RunFunction, "Download")), Path.GetTempPath(), new ImageApp("App.dll", [Function("Download")]));

        Assert.Equal(TimeSpan.FromHours(1), recipe.Layers[1].Run!.Timeout);
    }

    [Fact]
    public void RunFunction_of_an_unknown_function_names_it_and_the_app_functions()
    {
        var error = Assert.Throws<InvalidError>(() =>
            ImageRecipe.Resolve(Recipe(Step(ImageStepKinds.RunFunction, "Dowload")), Path.GetTempPath(), new ImageApp("App.dll", [Function("Download")])));

        Assert.Contains("RunFunction(\"Dowload\")", error.Message);
        Assert.Contains("no function named 'Dowload'", error.Message);
        Assert.Contains("Download", error.Message);
    }

    [Fact]
    public void RunFunction_of_a_function_with_parameters_is_refused()
    {
        var function = Function("Download") with { Parameters = [new ParameterManifest { Name = "model", Type = "string" }] };

        var error = Assert.Throws<InvalidError>(() =>
            ImageRecipe.Resolve(Recipe(Step(ImageStepKinds.RunFunction, "Download")), Path.GetTempPath(), new ImageApp("App.dll", [function])));

        Assert.Contains("takes parameters (model)", error.Message);
    }

    [Fact]
    public void RunFunction_without_the_app_is_refused_with_what_to_do()
    {
        var error = Assert.Throws<InvalidError>(() => ImageRecipe.Resolve(Recipe(Step(ImageStepKinds.RunFunction, "Download")), Path.GetTempPath()));

        Assert.Contains("run or deploy the app", error.Message);
    }

    [Fact]
    public void A_RunFunction_layer_key_follows_the_content_of_the_build_output()
    {
        var artifactDir = Directory.CreateTempSubdirectory("modal-runfunction-key-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(artifactDir, "App.dll"), "version 1");
            var app = new ImageApp("App.dll", [Function("Download")]);
            string Key() => ImageRecipe.LayerKey("parent", ImageRecipe.Resolve(Recipe(Step(ImageStepKinds.RunFunction, "Download")), artifactDir, app).Layers[1]);

            var first = Key();
            var same = Key();
            File.WriteAllText(Path.Combine(artifactDir, "App.dll"), "version 2");
            var changed = Key();

            Assert.Equal(first, same);
            Assert.NotEqual(first, changed);
        }
        finally
        {
            Directory.Delete(artifactDir, recursive: true);
        }
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

    private static FunctionManifest Function(string name) => new() { Name = name, EntryKey = "Tests." + name };
}
