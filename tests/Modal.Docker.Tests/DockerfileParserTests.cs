using Modal.Images;

namespace Modal.Docker.Tests;

/// <summary>The Dockerfile implementation, without an engine: what it translates and what it refuses.</summary>
public sealed class DockerfileParserTests : IDisposable
{
    private readonly string _context = Directory.CreateTempSubdirectory("modal-dockerfile-").FullName;

    public void Dispose() => Directory.Delete(_context, recursive: true);

    [Theory]
    [InlineData("ONBUILD RUN echo hi")]
    [InlineData("STOPSIGNAL SIGTERM")]
    [InlineData("VOLUME /data")]
    public void The_commands_the_reference_lists_as_unsupported_are_refused_naming_the_line(string line)
    {
        var error = Assert.Throws<InvalidError>(() => DockerfileParser.Parse($"FROM debian:bookworm-slim\nRUN true\n{line}\n", _context));

        Assert.Contains("Dockerfile line 3", error.Message);
        Assert.Contains(line.Split(' ')[0] + " is not supported", error.Message);
    }

    [Fact]
    public void Default_values_in_interpolations_are_refused()
    {
        var error = Assert.Throws<InvalidError>(() => DockerfileParser.Parse("FROM debian:bookworm-slim\nENV A=${B:-x}\n", _context));

        Assert.Contains("default values", error.Message);
    }

    [Fact]
    public void Multi_stage_builds_are_refused()
    {
        var error = Assert.Throws<InvalidError>(() => DockerfileParser.Parse("FROM debian AS build\nRUN true\nFROM debian\n", _context));

        Assert.Contains("multi-stage", error.Message);
    }

    [Fact]
    public void Instructions_become_build_steps_with_ARG_and_ENV_substituted()
    {
        File.WriteAllText(Path.Combine(_context, "a.txt"), "a");
        var steps = DockerfileParser.Parse(
            """
            ARG BASE=debian:bookworm-slim
            FROM $BASE
            ARG NAME=world
            # comments and continuations
            ENV GREETING="hello ${NAME}" \
                OTHER=x
            WORKDIR /srv
            RUN echo "$NAME" \
                > /name.txt
            COPY a.txt ./
            ENTRYPOINT ["/entry.sh"]
            EXPOSE 8000
            """,
            _context);

        Assert.Equal(
            [
                "from_registry debian:bookworm-slim",
                "env GREETING hello world",
                "env OTHER x",
                "workdir /srv",
                "run_commands export NAME='world'; echo \"$NAME\" > /name.txt",
                $"add_local_file {Path.Combine(_context, "a.txt")} /srv/a.txt copy",
                "entrypoint /entry.sh",
                "config EXPOSE 8000",
            ],
            steps.Select(s => $"{s.Kind} {string.Join(' ', s.Args)}"));
    }

    [Fact]
    public void A_missing_COPY_source_is_an_error_naming_it()
    {
        var error = Assert.Throws<InvalidError>(() => DockerfileParser.Parse("FROM debian\nCOPY nope.txt /x\n", _context));

        Assert.Contains("nope.txt does not exist", error.Message);
    }
}
