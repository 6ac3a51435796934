// Package templates loads and renders herald's message templates (docs/BEHAVIOUR.md §10).
//
// A template is templates/NAME.LANG.txt (required) and, optionally,
// templates/NAME.LANG.html. Load compiles every file once and reports the
// problems of all files together; Render picks the first language that
// exists and executes the template with a Data value.
//
// # The header block of a .txt file
//
// The .txt file starts with header lines, then one blank line, then the
// body. The rules:
//
//   - A line "Name: value" is a header; a line starting with a space or a
//     tab continues the previous header (RFC 5322 §2.2.3 folding).
//   - The first empty line (or a line of only spaces and tabs) ends the
//     headers; a file without one is an error.
//   - Subject is required. The only other headers allowed are X- headers,
//     except X-Herald-* and X-Auto-Response-Suppress, which herald sets
//     itself. Everything else (From, To, Reply-To, Date, Message-ID,
//     List-*, ...) is herald's job, never a template's.
//   - Names are case-insensitive, stored canonically (x-tag -> X-Tag), and
//     may appear once. Values must not be empty.
//   - A UTF-8 byte-order mark is skipped and CRLF line ends are read as LF;
//     the file must be valid UTF-8.
//   - Header values are text/template templates like the body. After
//     rendering, every control character (CR and LF included) becomes a
//     space, runs of spaces and tabs become one space and the ends are
//     trimmed, so no value (a contact's name, an enquiry's subject) can
//     add a header line. A Subject that renders empty is an error.
//
// The .html file has no header block: it is the HTML body only.
//
// Load parses every template once; Render executes the parsed templates,
// text/template for headers and text, html/template for the HTML body,
// and nothing else: its contextual escaping is what keeps a list's values
// from adding markup or links to a message (docs/BENCHMARKS.md says why
// the compiled executor that once sped this up was removed). A wave
// renders through Prepare: the actions that read only what all its
// recipients share (the event, the account, the wave) are executed once,
// by the same packages, and their output kept in a copy of the template;
// the bytes are those of Render.
//
// Errors name the file and the line: header-block errors their own line,
// template parse errors the line text/template reports, which is the line
// in the file (the header block is accounted for). An error in a folded
// header is reported at the line where it occurs.
package templates
