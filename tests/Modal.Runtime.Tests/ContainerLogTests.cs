using Modal.Protocol;
using Modal.Runtime.Tests.Support;
using Modal.Scheduling;

namespace Modal.Runtime.Tests;

public sealed class ContainerLogTests
{
    [Fact]
    public void Forwarded_output_is_written_line_by_line_with_the_worker_prefix()
    {
        var function = Sched.Function();
        Sched.Enqueue(function, 1);
        var container = function.Containers()[0];
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };

        Scheduler.WriteContainerLog(container, new ContainerLogRequest { InputId = "in-1", Fd = 1, Data = "hello\r\nworld\n" }, stdout, stderr);
        Scheduler.WriteContainerLog(container, new ContainerLogRequest { Fd = 2, Data = "loading" }, stdout, stderr);

        Assert.Equal("[Square in-1] hello\n[Square in-1] world\n", stdout.ToString());
        Assert.Equal("[Square] loading\n", stderr.ToString());
    }
}
