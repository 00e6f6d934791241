namespace Modal.TestApp;

public sealed record Address(string City);
