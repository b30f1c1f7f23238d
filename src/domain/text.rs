//! Text people typed. It is data, never markup: [`UserText`] has no `Display`, so it reaches a
//! message only by saying how — escaped for `mrkdwn` ([`UserText::mrkdwn`], Slack's documented
//! `&` `<` `>` escaping, after which `<!channel>`, `<@U…>`, `<!subteam^…>` and `<https://…|…>`
//! show as typed and never ping, mention or link) or as `plain_text` ([`UserText::plain`]).
//! Forgetting is a compile error, not a ping to the whole channel.
use std::fmt;

/// Text a person typed (a win, a prospect or company name, a note, a display name).
#[derive(Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord, sqlx::Type)]
#[sqlx(transparent)]
pub struct UserText(String);

impl fmt::Debug for UserText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl From<String> for UserText {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for UserText {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl UserText {
    /// The text as typed, for storing and comparing — never for a message.
    pub fn raw(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// Safe inside `mrkdwn`, cut to `max` characters (with "…") before escaping.
    pub fn mrkdwn(&self, max: usize) -> String {
        mrkdwn(&self.0, max)
    }

    /// For a `plain_text` object (which never mentions anyone), cut to `max` characters.
    pub fn plain(&self, max: usize) -> String {
        cut(&self.0, max)
    }
}

/// Typed text made safe inside `mrkdwn`: cut to `max` characters (with "…"), then escaped,
/// so no entity is split. For text that is not (yet) a [`UserText`], e.g. a word being parsed.
pub fn mrkdwn(typed: &str, max: usize) -> String {
    escape_mrkdwn(&cut(typed, max))
}

/// Slack's escaping for text shown as typed in `mrkdwn`: `&` → `&amp;`, `<` → `&lt;`,
/// `>` → `&gt;`.
pub fn escape_mrkdwn(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Cuts `s` to at most `max` characters, on a character boundary, adding `…` when cut.
pub fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_mentions_and_links_show_as_typed() {
        let t = UserText::from("<!channel> & <@U012ABC> <https://x.io|click>");
        assert_eq!(
            t.mrkdwn(100),
            "&lt;!channel&gt; &amp; &lt;@U012ABC&gt; &lt;https://x.io|click&gt;"
        );
        assert_eq!(t.plain(100), "<!channel> & <@U012ABC> <https://x.io|click>");
    }

    #[test]
    fn text_is_cut_before_it_is_escaped_so_no_entity_is_split() {
        assert_eq!(UserText::from("a<b>c").mrkdwn(2), "a&lt;…");
        assert_eq!(cut("héllo", 2), "hé…");
    }
}
