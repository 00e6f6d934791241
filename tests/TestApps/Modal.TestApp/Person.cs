namespace Modal.TestApp;

public sealed record Person(string Name, int Age, Address? Home);
