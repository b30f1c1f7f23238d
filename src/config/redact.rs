//! Hiding secrets (a database URL's password) from what is printed or logged.

/// The passwords in database URLs (`scheme://user:password@host/…`), for hiding them.
pub fn url_passwords<'u>(urls: impl IntoIterator<Item = &'u str>) -> Vec<&'u str> {
    urls.into_iter()
        .filter_map(|url| {
            let rest = &url[url.find("://")? + 3..];
            let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
            let userinfo = &authority[..authority.rfind('@')?];
            let password = &userinfo[userinfo.find(':')? + 1..];
            (!password.is_empty()).then_some(password)
        })
        .collect()
}

/// `text` with every one of `secrets` (and its percent-decoded form) replaced by `***`.
pub fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        out = out.replace(secret, "***");
        if let Ok(decoded) = urlencoding_decode(secret)
            && !decoded.is_empty()
        {
            out = out.replace(&decoded, "***");
        }
    }
    out
}

/// Percent-decodes `s` (as a URL's password may be written).
fn urlencoding_decode(s: &str) -> Result<String, std::string::FromUtf8Error> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied(),
            bytes.get(i + 2).copied(),
        ) {
            (b'%', Some(a), Some(b)) if hex(a).is_some() && hex(b).is_some() => {
                out.push((hex(a).unwrap_or(0) * 16 + hex(b).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
}
