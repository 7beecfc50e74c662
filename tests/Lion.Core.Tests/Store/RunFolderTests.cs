using Lion.Core;
using Lion.Core.Data;
using Lion.Core.Store;

namespace Lion.Core.Tests.Store;

public sealed class RunFolderTests : IDisposable
{
    private readonly StoreFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Creating_a_run_makes_the_folder_its_store_and_nothing_else()
    {
        var summary = RunFolder.Create(_fixture.RunFolder, _fixture.Seeds(new("A."), new("A."), new("B.")), new RunSetup());

        Assert.Equal((3, 2, 1), (summary.Records, summary.Added, summary.Duplicates));
        Assert.Equal([RunStore.FileName], Directory.GetFiles(_fixture.RunFolder).Select(Path.GetFileName));
    }

    [Fact]
    public void An_existing_run_is_never_touched()
    {
        using (_fixture.CreateRun(new InstructionRecord("Original."))) { }
        string database = RunStore.DatabasePath(_fixture.RunFolder);
        byte[] before = File.ReadAllBytes(database);

        var error = Assert.Throws<BadInputException>(() =>
            RunFolder.Create(_fixture.RunFolder, _fixture.Seeds(new InstructionRecord("Replacement.")), new RunSetup()));

        Assert.Equal($"{_fixture.RunFolder}: is already a lion run folder; nothing was changed", error.Message);
        Assert.Equal(before, File.ReadAllBytes(database));
    }

    [Fact]
    public void A_failed_creation_leaves_no_folder_behind()
    {
        Assert.ThrowsAny<Exception>(() =>
            RunFolder.Create(_fixture.RunFolder, _fixture.Seeds(new("Fine."), new(" ")), new RunSetup()));

        Assert.False(Directory.Exists(_fixture.RunFolder));
    }

    [Fact]
    public void The_config_is_stored_with_its_source()
    {
        string config = _fixture.Folder.Write("lion.json", "{ \"iterations\": 3 }");

        RunFolder.Create(_fixture.RunFolder, _fixture.Seeds(new InstructionRecord("A.")), RunSetup.FromConfigFile(config));

        using var store = RunStore.Open(_fixture.RunFolder);
        Assert.Equal(Path.GetFullPath(config), store.Summary.Overview().ConfigSource);
    }

    [Theory]
    [InlineData("[1, 2]", 1)]
    [InlineData("{\n  \"iterations\": 3,\n  oops\n}", 3)]
    public void A_config_that_is_not_a_json_object_is_refused_with_its_line(string content, int line)
    {
        string config = _fixture.Folder.Write("lion.json", content);

        var error = Assert.Throws<BadInputException>(() => RunSetup.FromConfigFile(config));

        Assert.StartsWith($"{config}:{line}: ", error.Message);
    }
}
