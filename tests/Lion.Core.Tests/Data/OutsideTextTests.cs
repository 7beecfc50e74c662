using Lion.Core.Data;
using Lion.Core.Text;

namespace Lion.Core.Tests.Data;

public sealed class OutsideTextTests
{
    [Fact]
    public void Nul_and_other_control_characters_go_while_tab_and_line_breaks_stay()
    {
        Assert.Equal("a\tb\r\nc d", OutsideText.Clean("\u0000a\tb\r\n\u0007c\u001b d\u007f\u0085"));
    }

    [Fact]
    public void A_lone_surrogate_becomes_the_replacement_character_and_a_pair_is_kept()
    {
        Assert.Equal("x\uFFFDy🦁\uFFFD", OutsideText.Clean("x\uD800y🦁\uDC00"));
    }

    [Fact]
    public void Clean_text_is_returned_as_it_is()
    {
        string text = "Sort the words: lion, tiger. Überall 日本語 🦁";

        Assert.Same(text, OutsideText.Clean(text));
    }
}
