//! CSV as spreadsheets read it: UTF-8 with a byte-order mark (so accents and emoji open right),
//! one header row, quoting by the `csv` crate (commas, quotes and newlines in notes), and no
//! formulas: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written
//! with a leading `'`, so what people typed stays data in a spreadsheet too.
use std::borrow::Cow;
use std::io::Write;

/// UTF-8's byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV writer on `out`, the mark and the header row already written.
pub fn sheet<W: Write>(mut out: W, header: &[&str]) -> std::io::Result<csv::Writer<W>> {
    out.write_all(BOM)?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(header).map_err(std::io::Error::other)?;
    Ok(w)
}

/// A text cell a spreadsheet will not run: `=HYPERLINK(…)` becomes `'=HYPERLINK(…)`.
pub fn cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_are_defused_and_plain_text_is_kept() {
        assert_eq!(
            cell("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(cell("+1 555"), "'+1 555");
        assert_eq!(cell("-5"), "'-5");
        assert_eq!(cell("@jane"), "'@jane");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("Acme, Inc."), "Acme, Inc.");
        assert_eq!(cell(""), "");
    }

    proptest! {
        #[test]
        fn any_text_reads_back_as_written_and_never_as_a_formula(text in "\\PC*") {
            let mut w = sheet(Vec::new(), &["note"]).unwrap();
            w.write_record([cell(&text).as_ref()]).unwrap();
            let bytes = w.into_inner().unwrap();
            prop_assert!(bytes.starts_with(BOM));
            let mut r = csv::Reader::from_reader(&bytes[BOM.len()..]);
            let row = r.records().next().unwrap().unwrap();
            let back = &row[0];
            prop_assert!(!back.starts_with(['=', '+', '-', '@', '\t', '\r']));
            prop_assert_eq!(back.strip_prefix('\'').filter(|_| back != text).unwrap_or(back), text.as_str());
        }
    }
}
