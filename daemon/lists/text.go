package lists

import (
	"bufio"
	"bytes"
	"io"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encoding names, as a Report shows them.
const (
	encUTF8      = "UTF-8"
	encUTF8BOM   = "UTF-8 with BOM"
	encUTF16LE   = "UTF-16LE"
	encUTF16BE   = "UTF-16BE"
	encCP1252    = "Windows-1252"
	encMacRoman  = "Mac Roman"
	encMixed1252 = "UTF-8, some lines Windows-1252"
)

// textIn is a CSV file turned into UTF-8 with LF or CRLF line ends: what
// encoding/csv reads. What it found is in its fields once the input is read.
type textIn struct {
	r     io.Reader
	bom   string // the encoding a byte-order mark declared
	utf16 string // UTF-16 guessed from NUL bytes (no BOM)
	lines *lineDecoder
	cr    *crReader
}

// openText undoes what spreadsheets write: a UTF-8 or UTF-16 byte-order
// mark, UTF-16 ("Unicode text" in Excel), legacy 8-bit encodings (French
// and Spanish Excel's "CSV (point-virgule)" is Windows-1252) and old-Mac
// CR line ends.
func openText(r io.Reader) *textIn {
	br := bufio.NewReaderSize(r, 64<<10)
	t := &textIn{}
	head, _ := br.Peek(512)
	var src io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		br.Discard(3)
		t.bom = encUTF8BOM
	case bytes.HasPrefix(head, []byte("\xff\xfe")):
		t.bom = encUTF16LE
		src = transform.NewReader(br, xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder())
	case bytes.HasPrefix(head, []byte("\xfe\xff")):
		t.bom = encUTF16BE
		src = transform.NewReader(br, xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM).NewDecoder())
	default:
		if e, end := nulPattern(head); e != "" {
			t.utf16 = e
			src = transform.NewReader(br, xunicode.UTF16(end, xunicode.IgnoreBOM).NewDecoder())
		}
	}
	t.cr = &crReader{br: bufio.NewReader(src)}
	if t.bom == "" && t.utf16 == "" {
		// Only an 8-bit file can be in a legacy encoding: CR is one byte
		// there, so line ends are normalised first and lines decoded after.
		t.lines = &lineDecoder{br: bufio.NewReaderSize(t.cr, 64<<10)}
		t.r = t.lines
	} else {
		t.r = t.cr
	}
	return t
}

// Read returns the UTF-8 text.
func (t *textIn) Read(p []byte) (int, error) { return t.r.Read(p) }

// Encoding names the encoding read, and whether it was a guess.
func (t *textIn) Encoding() (name string, guessed bool) {
	switch {
	case t.bom != "":
		return t.bom, false
	case t.utf16 != "":
		return t.utf16, true
	}
	return t.lines.encoding()
}

// LineEnds names the line ends seen: "CR" for an old-Mac file.
func (t *textIn) LineEnds() string { return t.cr.kind() }

// nulPattern recognises UTF-16 without a byte-order mark by its NUL
// bytes: in mostly-ASCII text every other byte is zero.
func nulPattern(b []byte) (string, xunicode.Endianness) {
	if len(b) < 8 {
		return "", xunicode.LittleEndian
	}
	b = b[:len(b)&^1]
	var even, odd int
	for i := 0; i < len(b); i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	half := len(b) / 2
	switch {
	case odd*10 >= half*9 && even == 0:
		return encUTF16LE, xunicode.LittleEndian
	case even*10 >= half*9 && odd == 0:
		return encUTF16BE, xunicode.BigEndian
	}
	return "", xunicode.LittleEndian
}

// crReader turns a CR not followed by LF into LF: encoding/csv ends lines
// only at LF, so an old-Mac file (CR only) would be one long line.
type crReader struct {
	br       *bufio.Reader
	prevCR   bool // the last byte returned was a CR of a CRLF
	lone     int  // lone CRs seen
	crlf, lf int
}

func (c *crReader) Read(p []byte) (int, error) {
	n, err := c.br.Read(p)
	for i := 0; i < n; i++ {
		switch p[i] {
		case '\n':
			if !c.prevCR {
				c.lf++
			}
		case '\r':
			next := byte(0)
			if i+1 < n {
				next = p[i+1]
			} else if b, err := c.br.Peek(1); err == nil {
				next = b[0]
			}
			if next == '\n' {
				c.crlf++
			} else {
				p[i] = '\n'
				c.lone++
			}
		}
		c.prevCR = p[i] == '\r'
	}
	return n, err
}

func (c *crReader) kind() string {
	switch {
	case c.lone > 0 && c.crlf+c.lf == 0:
		return "CR"
	case c.lone > 0:
		return "mixed"
	case c.crlf > 0 && c.lf == 0:
		return "CRLF"
	case c.crlf > 0:
		return "mixed"
	case c.lf > 0:
		return "LF"
	}
	return ""
}

// lineDecoder decodes each line as UTF-8 when it is valid UTF-8, else in
// the legacy encoding the first such line suggests: a file saved by an
// old Excel is Windows-1252 (or Mac Roman from an old Mac) throughout,
// and a file pasted together from two sources may mix both, line by line.
type lineDecoder struct {
	br      *bufio.Reader
	pending []byte
	carry   []byte // an incomplete rune at the end of a long line's chunk
	err     error
	legacy  *charmap.Charmap
	name    string
	utf8    bool // a line with non-ASCII UTF-8 was seen
	other   int  // lines decoded with legacy
}

func (d *lineDecoder) Read(p []byte) (int, error) {
	for len(d.pending) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		chunk, err := d.br.ReadSlice('\n')
		if len(d.carry) > 0 {
			chunk = append(d.carry, chunk...)
			d.carry = nil
		}
		if err == bufio.ErrBufferFull {
			// A long line comes in chunks: keep a rune cut in two for the next.
			cut := incompleteTail(chunk)
			d.carry = append([]byte(nil), chunk[cut:]...)
			chunk, err = chunk[:cut], nil
		}
		d.err = err
		d.pending = d.decode(chunk)
	}
	n := copy(p, d.pending)
	d.pending = d.pending[n:]
	return n, nil
}

func (d *lineDecoder) decode(line []byte) []byte {
	ascii := true
	for _, b := range line {
		if b >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	switch {
	case ascii:
		return line
	case utf8.Valid(line):
		d.utf8 = true
		return line
	}
	if d.legacy == nil {
		d.legacy, d.name = guessLegacy(line)
	}
	d.other++
	out, _ := d.legacy.NewDecoder().Bytes(line)
	return out
}

// encoding names what was read; a legacy encoding is always a guess.
func (d *lineDecoder) encoding() (string, bool) {
	switch {
	case d.other > 0 && d.utf8:
		return encMixed1252, true
	case d.other > 0:
		return d.name, true
	}
	return encUTF8, false
}

// incompleteTail is the index where a rune cut at the end of b starts,
// len(b) when the last rune is whole.
func incompleteTail(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

// guessLegacy tells Windows-1252 from Mac Roman: the letters after a
// lowercase ASCII letter are lowercase accented letters in the right one
// (é is E9 in Windows-1252, where Mac Roman has È; Mac Roman's é is 8E,
// Windows-1252's Ž). ISO-8859-1 is Windows-1252 without its 0x80-0x9F
// punctuation, so reading it as Windows-1252 is right.
func guessLegacy(line []byte) (*charmap.Charmap, string) {
	var win, mac int
	for i := 1; i < len(line); i++ {
		b, prev := line[i], line[i-1]
		if b < 0x80 || prev < 'a' || prev > 'z' {
			continue
		}
		if unicode.IsLower(charmap.Windows1252.DecodeByte(b)) {
			win++
		}
		if unicode.IsLower(charmap.Macintosh.DecodeByte(b)) {
			mac++
		}
	}
	if mac > win {
		return charmap.Macintosh, encMacRoman
	}
	return charmap.Windows1252, encCP1252
}
