namespace Modal.Scheduling;

/// <summary>What one read of a call's outputs found.</summary>
/// <param name="Cursor">The entry id of the last output read (the new cursor).</param>
/// <param name="Complete">The call is complete and the read reached its last output.</param>
/// <param name="NumInputs">Inputs the call has accepted so far.</param>
/// <param name="Changed">When nothing was read and the call runs on: completes at the next change.</param>
internal readonly record struct OutputRead(long Cursor, bool Complete, int NumInputs, Task? Changed);
