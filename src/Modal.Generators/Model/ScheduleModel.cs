namespace Modal.Generators.Model;

/// <summary><c>[Period]</c> (kind <c>period</c>) or <c>[Cron]</c> (kind <c>cron</c>).</summary>
internal sealed record ScheduleModel(string Kind, double? PeriodSeconds, string? Cron, string? TimeZone);
