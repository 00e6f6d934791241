namespace Modal.Generators.Model;

/// <summary><c>[Clustered]</c>: gang-scheduled containers per input.</summary>
internal sealed record ClusterModel(int Size, bool Rdma);
