namespace Modal.Generators.Model;

/// <summary>An <c>[Enter]</c> or <c>[Exit]</c> hook of a [Cls] class.</summary>
/// <param name="Shape">Void, Task or ValueTask: whether the lifecycle awaits it.</param>
/// <param name="TakesCancellationToken">It takes one CancellationToken, which the container's shutdown cancels.</param>
internal sealed record HookModel(string MethodName, ResultShape Shape, bool TakesCancellationToken)
{
    public bool IsAsync => Shape is ResultShape.Task or ResultShape.ValueTask;
}
