namespace Modal.Dispatch;

/// <summary>
/// Column helpers of a [Batched] function's invoker: the batch arrives as one argument container per input, the function
/// takes one list (or array) per parameter. <c>List2(batch)</c> is the second argument of every input, in input order.
/// </summary>
public static class ModalBatch
{
    public static List<T1> List1<T1>(IReadOnlyList<ModalArgs<T1>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new List<T1>(batch.Count);
        foreach (var args in batch)
        {
            column.Add(args.Item1);
        }

        return column;
    }

    public static List<T1> List1<T1, T2>(IReadOnlyList<ModalArgs<T1, T2>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new List<T1>(batch.Count);
        foreach (var args in batch)
        {
            column.Add(args.Item1);
        }

        return column;
    }

    public static List<T1> List1<T1, T2, T3>(IReadOnlyList<ModalArgs<T1, T2, T3>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new List<T1>(batch.Count);
        foreach (var args in batch)
        {
            column.Add(args.Item1);
        }

        return column;
    }

    public static List<T1> List1<T1, T2, T3, T4>(IReadOnlyList<ModalArgs<T1, T2, T3, T4>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new List<T1>(batch.Count);
        foreach (var args in batch)
        {
            column.Add(args.Item1);
        }

        return column;
    }

    public static T1[] Array1<T1>(IReadOnlyList<ModalArgs<T1>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new T1[batch.Count];
        for (var i = 0; i < column.Length; i++)
        {
            column[i] = batch[i].Item1;
        }

        return column;
    }

    public static T1[] Array1<T1, T2>(IReadOnlyList<ModalArgs<T1, T2>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new T1[batch.Count];
        for (var i = 0; i < column.Length; i++)
        {
            column[i] = batch[i].Item1;
        }

        return column;
    }

    public static T1[] Array1<T1, T2, T3>(IReadOnlyList<ModalArgs<T1, T2, T3>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new T1[batch.Count];
        for (var i = 0; i < column.Length; i++)
        {
            column[i] = batch[i].Item1;
        }

        return column;
    }

    public static T1[] Array1<T1, T2, T3, T4>(IReadOnlyList<ModalArgs<T1, T2, T3, T4>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new T1[batch.Count];
        for (var i = 0; i < column.Length; i++)
        {
            column[i] = batch[i].Item1;
        }

        return column;
    }

    public static List<T2> List2<T1, T2>(IReadOnlyList<ModalArgs<T1, T2>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new List<T2>(batch.Count);
        foreach (var args in batch)
        {
            column.Add(args.Item2);
        }

        return column;
    }

    public static List<T2> List2<T1, T2, T3>(IReadOnlyList<ModalArgs<T1, T2, T3>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new List<T2>(batch.Count);
        foreach (var args in batch)
        {
            column.Add(args.Item2);
        }

        return column;
    }

    public static List<T2> List2<T1, T2, T3, T4>(IReadOnlyList<ModalArgs<T1, T2, T3, T4>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new List<T2>(batch.Count);
        foreach (var args in batch)
        {
            column.Add(args.Item2);
        }

        return column;
    }

    public static T2[] Array2<T1, T2>(IReadOnlyList<ModalArgs<T1, T2>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new T2[batch.Count];
        for (var i = 0; i < column.Length; i++)
        {
            column[i] = batch[i].Item2;
        }

        return column;
    }

    public static T2[] Array2<T1, T2, T3>(IReadOnlyList<ModalArgs<T1, T2, T3>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new T2[batch.Count];
        for (var i = 0; i < column.Length; i++)
        {
            column[i] = batch[i].Item2;
        }

        return column;
    }

    public static T2[] Array2<T1, T2, T3, T4>(IReadOnlyList<ModalArgs<T1, T2, T3, T4>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new T2[batch.Count];
        for (var i = 0; i < column.Length; i++)
        {
            column[i] = batch[i].Item2;
        }

        return column;
    }

    public static List<T3> List3<T1, T2, T3>(IReadOnlyList<ModalArgs<T1, T2, T3>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new List<T3>(batch.Count);
        foreach (var args in batch)
        {
            column.Add(args.Item3);
        }

        return column;
    }

    public static List<T3> List3<T1, T2, T3, T4>(IReadOnlyList<ModalArgs<T1, T2, T3, T4>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new List<T3>(batch.Count);
        foreach (var args in batch)
        {
            column.Add(args.Item3);
        }

        return column;
    }

    public static T3[] Array3<T1, T2, T3>(IReadOnlyList<ModalArgs<T1, T2, T3>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new T3[batch.Count];
        for (var i = 0; i < column.Length; i++)
        {
            column[i] = batch[i].Item3;
        }

        return column;
    }

    public static T3[] Array3<T1, T2, T3, T4>(IReadOnlyList<ModalArgs<T1, T2, T3, T4>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new T3[batch.Count];
        for (var i = 0; i < column.Length; i++)
        {
            column[i] = batch[i].Item3;
        }

        return column;
    }

    public static List<T4> List4<T1, T2, T3, T4>(IReadOnlyList<ModalArgs<T1, T2, T3, T4>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new List<T4>(batch.Count);
        foreach (var args in batch)
        {
            column.Add(args.Item4);
        }

        return column;
    }

    public static T4[] Array4<T1, T2, T3, T4>(IReadOnlyList<ModalArgs<T1, T2, T3, T4>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var column = new T4[batch.Count];
        for (var i = 0; i < column.Length; i++)
        {
            column[i] = batch[i].Item4;
        }

        return column;
    }
}
