namespace Modal;

/// <summary>Runs a parameterless function at a fixed interval, starting when the app is deployed.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class PeriodAttribute : Attribute
{
    public int Days { get; set; }
    public int Hours { get; set; }
    public int Minutes { get; set; }
    public double Seconds { get; set; }
}

/// <summary>Runs a parameterless function on a cron schedule (five fields) in the given IANA time zone (UTC by default).</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class CronAttribute(string expression) : Attribute
{
    public string Expression { get; } = expression;

    public string TimeZone { get; set; } = "UTC";
}
