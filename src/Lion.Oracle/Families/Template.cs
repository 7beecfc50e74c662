using System.Text.RegularExpressions;

namespace Lion.Oracle.Families;

/// <summary>
/// A sentence pattern with named slots, such as "{P} has a {X} ball": filled in to write an
/// item, matched to read one back. Slots: {P} a person or object name, {X} any text.
/// </summary>
internal sealed class Template
{
    private readonly string _pattern;
    private readonly Regex _regex;

    public Template(string pattern)
    {
        _pattern = pattern;
        string regex = Regex.Escape(pattern)
            .Replace(@"\{P}", "(?<P>.+?)")
            .Replace(@"\{Q}", "(?<Q>.+?)")
            .Replace(@"\{X}", "(?<X>.+)");
        _regex = new Regex($"^{regex}$");
    }

    public string Fill(string p, string x = "", string q = "") =>
        _pattern.Replace("{P}", p).Replace("{Q}", q).Replace("{X}", x);

    public bool TryMatch(string text, out string p, out string x, out string q)
    {
        var match = _regex.Match(text);
        p = match.Groups["P"].Value;
        x = match.Groups["X"].Value;
        q = match.Groups["Q"].Value;
        return match.Success;
    }
}
