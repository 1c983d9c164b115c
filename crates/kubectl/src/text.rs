//! Go's formats kubectl's output is built from: `text/tabwriter` (tables and
//! describe), `duration.HumanDuration` (the AGE column), RFC 3339 timestamps.
//!
//! ```
//! use kubectl::text::{human_duration, tabwrite, TABLE};
//! assert_eq!(human_duration(45), "45s");
//! assert_eq!(human_duration(192), "3m12s");
//! assert_eq!(human_duration(5 * 3600 + 60), "5h1m");
//! assert_eq!(tabwrite("NAME\tAGE\nweb\t5s\n", TABLE), "NAME   AGE\nweb    5s\n");
//! ```

/// The settings of a `tabwriter.Writer`: minimal cell width and padding (pad char ' ', no flags).
#[derive(Debug, Clone, Copy)]
pub struct TabSettings {
    pub min_width: usize,
    pub padding: usize,
}

/// `printers.GetNewTabWriter`: `tabwriter.NewWriter(out, 6, 4, 3, ' ', 0)`.
pub const TABLE: TabSettings = TabSettings { min_width: 6, padding: 3 };
/// kubectl describe's `tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)`.
pub const DESCRIBE: TabSettings = TabSettings { min_width: 0, padding: 2 };

/// Go's `text/tabwriter` (left-aligned, space padding): cells end at `\t`, the text after a
/// line's last tab is not aligned, and a column block is a run of consecutive lines that all
/// have a cell in that column (Go's `format` recursion).
pub fn tabwrite(text: &str, settings: TabSettings) -> String {
    let mut lines: Vec<Vec<&str>> = text.split('\n').map(|line| line.split('\t').collect()).collect();
    // A trailing newline leaves one empty line behind: it is not a line of the output.
    let trailing_newline = text.ends_with('\n');
    if trailing_newline {
        lines.pop();
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut widths: Vec<usize> = Vec::new();
    format_block(&lines, 0, lines.len(), &mut widths, settings, &mut out);
    if !trailing_newline && out.ends_with('\n') {
        out.pop();
    }
    out
}

fn cell_width(cell: &str) -> usize {
    cell.chars().count()
}

fn format_block(
    lines: &[Vec<&str>],
    mut line0: usize,
    line1: usize,
    widths: &mut Vec<usize>,
    settings: TabSettings,
    out: &mut String,
) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(lines, line0, this, widths, out);
        line0 = this;
        let mut width = settings.min_width;
        while this < line1 && column + 1 < lines[this].len() {
            width = width.max(cell_width(lines[this][column]) + settings.padding);
            this += 1;
        }
        widths.push(width);
        format_block(lines, line0, this, widths, settings, out);
        widths.pop();
        line0 = this;
    }
    write_lines(lines, line0, line1, widths, out);
}

fn write_lines(lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut String) {
    for line in &lines[from..to] {
        for (index, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if index + 1 < line.len() {
                if let Some(width) = widths.get(index) {
                    for _ in cell_width(cell)..*width {
                        out.push(' ');
                    }
                }
            }
        }
        out.push('\n');
    }
}

/// `k8s.io/apimachinery/pkg/util/duration.HumanDuration` for a whole number of seconds
/// (negative ages from clock skew: -1 is "0s", below that "<invalid>").
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let rest = seconds % 60;
        return if rest == 0 { format!("{minutes}m") } else { format!("{minutes}m{rest}s") };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let rest = minutes % 60;
        return if rest == 0 { format!("{hours}h") } else { format!("{hours}h{rest}m") };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let rest = hours % 24;
        return if rest == 0 { format!("{}d", hours / 24) } else { format!("{}d{rest}h", hours / 24) };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let rest = (hours / 24) % 365;
        return if rest == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{rest}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// Seconds since the Unix epoch of an RFC 3339 UTC timestamp as metav1.Time writes it
/// (`2026-01-01T00:00:05Z`); `None` for anything else.
pub fn parse_rfc3339_seconds(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 20 || bytes[4] != b'-' || bytes[7] != b'-' || bytes[10] != b'T' || bytes[13] != b':' || bytes[16] != b':' || bytes[19] != b'Z' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        if !part.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`,
/// the inverse of `playground_core::time::civil_from_days`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_index = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `Thu, 01 Jan 2026 00:00:05 +0000`: how kubectl describe prints a timestamp (RFC 1123Z).
pub fn rfc1123z(text: &str) -> Option<String> {
    let seconds = parse_rfc3339_seconds(text)?;
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let days = seconds.div_euclid(86_400);
    let weekday = DAYS[days.rem_euclid(7) as usize];
    let month = text.get(5..7)?.parse::<usize>().ok()?;
    Some(format!(
        "{weekday}, {} {} {} {} +0000",
        text.get(8..10)?,
        MONTHS.get(month.checked_sub(1)?)?,
        text.get(0..4)?,
        text.get(11..19)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_duration_follows_apimachinery_at_every_boundary() {
        let cases = [
            (-5, "<invalid>"),
            (-1, "0s"),
            (0, "0s"),
            (119, "119s"),
            (120, "2m"),
            (192, "3m12s"),
            (599, "9m59s"),
            (600, "10m"),
            (3 * 3600 - 1, "179m"),
            (3 * 3600, "3h"),
            (5 * 3600 + 30 * 60, "5h30m"),
            (8 * 3600, "8h"),
            (47 * 3600, "47h"),
            (48 * 3600, "2d"),
            (3 * 86_400 + 5 * 3600, "3d5h"),
            (8 * 86_400, "8d"),
            (730 * 86_400, "2y"),
            (731 * 86_400, "2y1d"),
            (9 * 365 * 86_400, "9y"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(human_duration(seconds), expected, "{seconds}s");
        }
    }

    #[test]
    fn tabwriter_pads_to_the_widest_cell_plus_padding_with_a_minimum() {
        let text = "NAME\tREADY\tAGE\nnginx-deployment\t3/3\t5s\n";
        assert_eq!(tabwrite(text, TABLE), "NAME               READY   AGE\nnginx-deployment   3/3     5s\n");
        // A line without tabs ends the column block (describe's sections).
        let text = "Name:\tweb\nLabels:\tapp=web\nPod Template:\n  Containers:\tnginx\n";
        assert_eq!(tabwrite(text, DESCRIBE), "Name:    web\nLabels:  app=web\nPod Template:\n  Containers:  nginx\n");
    }

    #[test]
    fn timestamps_round_trip_through_days() {
        assert_eq!(parse_rfc3339_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339_seconds("2026-01-01T00:00:05Z"), Some(1_767_225_605));
        assert_eq!(parse_rfc3339_seconds("2026-13-01T00:00:05Z"), None);
        assert_eq!(parse_rfc3339_seconds("garbage"), None);
        assert_eq!(rfc1123z("2026-01-01T00:00:05Z").as_deref(), Some("Thu, 01 Jan 2026 00:00:05 +0000"));
    }
}
