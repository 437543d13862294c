//! Text for the HTML and SVG pictures of a computation (the task graph here, the dashboard's
//! report, `cumulus-labeled`'s notebook repr): one escaping rule for all of them.

/// `s` with `& < > " '` escaped, safe in HTML/SVG text and in attribute values.
///
/// ```
/// use cumulus_chunked::markup::escape_html;
/// assert_eq!(escape_html(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
/// ```
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
