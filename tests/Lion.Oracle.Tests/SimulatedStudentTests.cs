namespace Lion.Oracle.Tests;

public sealed class SimulatedStudentTests
{
    private static List<TaskItem> Items(string family, int size, int count, int seed = 1)
    {
        var random = new Random(seed);
        var taskFamily = Oracle.Family(family);
        return Enumerable.Range(0, count).Select(_ => taskFamily.Generate(random, size, random.Pick(taskFamily.Variants))).ToList();
    }

    private static double ErrorShare(SimulatedStudent student, List<TaskItem> items) =>
        items.Count(item => student.Answer(item.Input) != item.Target) / (double)items.Count;

    [Theory]
    [InlineData("boolean_expressions", 2, 0.20)]
    [InlineData("multistep_arithmetic_two", 2, 0.80)]
    [InlineData("navigate", 5, 0.40)]
    public void It_errs_about_as_often_as_its_profile_says(string family, int size, double expected)
    {
        var student = new SimulatedStudent(seed: 9);

        double share = ErrorShare(student, Items(family, size, 400));

        Assert.InRange(share, expected - 0.07, expected + 0.07);
    }

    [Fact]
    public void Its_wrong_answers_have_the_form_of_the_right_one()
    {
        var student = new SimulatedStudent(StudentProfile.Default with { BaseError = new Dictionary<string, double> { ["tracking_shuffled_objects"] = 0.95 } }, 1);

        foreach (var item in Items("tracking_shuffled_objects", 5, 50))
            Assert.Matches(@"^\([A-E]\)$", student.Answer(item.Input));
    }

    [Fact]
    public void The_same_question_gets_the_same_answer()
    {
        var student = new SimulatedStudent(seed: 3);
        var items = Items("word_sorting", 8, 30);

        Assert.Equal(items.Select(i => student.Answer(i.Input)), items.Select(i => student.Answer(i.Input)));
    }

    [Fact]
    public void Training_on_a_family_lowers_its_errors_and_leaves_others_alone()
    {
        var student = new SimulatedStudent(seed: 4);
        var test = Items("multistep_arithmetic_two", 4, 300, seed: 2);
        var untouched = Items("dyck_languages", 8, 300, seed: 2);
        double before = ErrorShare(student, test), otherBefore = ErrorShare(student, untouched);

        student.Train(Items("multistep_arithmetic_two", 4, 50, seed: 3).Select(i => i.Input));

        Assert.True(ErrorShare(student, test) < before - 0.5, $"{before:P0} → {ErrorShare(student, test):P0}");
        Assert.Equal(otherBefore, ErrorShare(student, untouched));
    }

    [Fact]
    public void An_item_answered_right_stays_right_after_training()
    {
        var student = new SimulatedStudent(seed: 5);
        var items = Items("logical_deduction", 5, 100);
        var rightBefore = items.Where(i => student.Answer(i.Input) == i.Target).ToList();

        student.Train(items.Take(20).Select(i => i.Input));

        Assert.All(rightBefore, i => Assert.Equal(i.Target, student.Answer(i.Input)));
    }

    [Fact]
    public void It_says_it_is_unsure_of_what_is_not_a_task()
    {
        Assert.Equal("I am not sure.", new SimulatedStudent().Answer("Write a poem about the sea."));
    }
}
