package report

import (
	"bufio"
	"fmt"
	"html"
	"strings"
	"unicode/utf8"
)

// SVG layout constants, in pixels. Arrow labels and notes are monospace
// 11px, whose glyphs are 0.6em wide, so a label's width is known from its
// length; lane names are 12px sans-serif, measured generously.
const (
	svgMinGap    = 170 // the least distance between two lanes
	svgMargin    = 16  // left and right of the outermost lane boxes
	svgHeadH     = 40
	svgRowH      = 34 // a one-line arrow
	svgLineH     = 13 // each further line of a wrapped label
	svgCharW     = 6.7
	svgHeadCharW = 7.2
	svgLabelPad  = 24 // room beside a label, so that it does not touch a lane
	svgWrap      = 56 // characters on a label line before it wraps
	svgMaxLines  = 3  // lines of a label; the rest is cut (the <title> keeps all)
	svgHeadMax   = 40 // characters of a lane name
)

// svgLayout places the lanes of a sequence: their x, the overall size,
// and each arrow's wrapped label.
type svgLayout struct {
	x             map[string]int
	headW         map[string]int // width of each lane's name box
	width, height int
	lines         [][]string // per arrow
}

// layoutSVG spaces the lanes so that every label fits between the lanes
// its arrow joins, and every note and lane name fits on the page.
func layoutSVG(s *sequence) *svgLayout {
	n := len(s.lanes)
	pos := map[string]int{}
	headW := map[string]int{}
	for i, l := range s.lanes {
		pos[l.id] = i
		headW[l.id] = textW(shorten(l.label, svgHeadMax), svgHeadCharW) + 20
	}
	gaps := make([]int, max(n-1, 0))
	for i := range gaps {
		gaps[i] = max(svgMinGap, (headW[s.lanes[i].id]+headW[s.lanes[i+1].id])/2+12)
	}
	lay := &svgLayout{x: map[string]int{}, headW: headW, lines: make([][]string, len(s.arrows))}
	// Widen the gaps an arrow spans until its widest label line fits,
	// narrow spans first so that a wide arrow over several lanes only
	// adds what the narrower ones left missing.
	for span := 1; span < n; span++ {
		for k, a := range s.arrows {
			if lay.lines[k] == nil {
				lay.lines[k] = wrapLabel(a.text, svgWrap, svgMaxLines)
			}
			i, j := pos[a.from], pos[a.to]
			if i > j {
				i, j = j, i
			}
			if a.kind == arrowNote || j-i != span {
				continue
			}
			need := labelW(lay.lines[k]) + svgLabelPad
			have := 0
			for g := i; g < j; g++ {
				have += gaps[g]
			}
			for g := i; have < need && g < j; g++ {
				add := (need - have + (j - g) - 1) / (j - g)
				gaps[g] += add
				have += add
			}
		}
	}
	if n < 2 {
		for k, a := range s.arrows {
			if lay.lines[k] == nil {
				lay.lines[k] = wrapLabel(a.text, svgWrap, svgMaxLines)
			}
		}
	}
	// The lanes' x; then the margins, so that no lane name or note
	// (centred on its lane) sticks out on the left or the right.
	offset := make([]int, n)
	for i := 1; i < n; i++ {
		offset[i] = offset[i-1] + gaps[i-1]
	}
	left, right := 0, 0
	half := func(id string, w int) {
		i := pos[id]
		left = max(left, w/2+svgMargin-offset[i])
		right = max(right, offset[i]+w/2+svgMargin)
	}
	for _, l := range s.lanes {
		half(l.id, headW[l.id])
	}
	for k, a := range s.arrows {
		if a.kind == arrowNote {
			half(a.from, labelW(lay.lines[k])+16)
		}
	}
	for i, l := range s.lanes {
		lay.x[l.id] = left + offset[i]
	}
	lay.width = left + right
	lay.height = svgHeadH + 20
	for k := range s.arrows {
		lay.height += svgRowH + (len(lay.lines[k])-1)*svgLineH
	}
	lay.height += 20
	return lay
}

// writeSVG draws a sequence diagram as an inline SVG element: lanes with
// their names on top, solid arrows for requests, dashed for responses, red
// crossed arrows for blocks, yellow notes over the browser. Every label is
// shown whole, wrapped onto up to three lines; its full text is also its
// <title> (a tooltip).
func writeSVG(w *bufio.Writer, s *sequence) {
	lay := layoutSVG(s)
	x := lay.x
	width, height := lay.width, lay.height
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" class="seq" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`+"\n", width, height, width, height)
	w.WriteString(`<defs><marker id="ah" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker>` +
		`<marker id="ax" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="10" markerHeight="10"><path d="M1,1 L9,9 M9,1 L1,9" stroke="#c00" stroke-width="2"/></marker></defs>` + "\n")
	for _, l := range s.lanes {
		cx, hw := x[l.id], lay.headW[l.id]
		fmt.Fprintf(w, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#bbb" stroke-dasharray="4 4"/>`+"\n", cx, svgHeadH, cx, height-10)
		fmt.Fprintf(w, `<rect x="%d" y="4" width="%d" height="%d" rx="4" fill="#eef3fb" stroke="#5577aa"/>`, cx-hw/2, hw, svgHeadH-10)
		fmt.Fprintf(w, `<text x="%d" y="%d" text-anchor="middle" font-size="12" font-family="sans-serif"><title>%s</title>%s</text>`+"\n",
			cx, 4+(svgHeadH-10)/2+4, html.EscapeString(l.label), html.EscapeString(shorten(l.label, svgHeadMax)))
	}
	y := svgHeadH + 20
	for k, a := range s.arrows {
		lines := lay.lines[k]
		extra := (len(lines) - 1) * svgLineH
		y += svgRowH + extra
		x1, x2 := x[a.from], x[a.to]
		full := html.EscapeString(a.text)
		switch a.kind {
		case arrowNote:
			bw := labelW(lines) + 16
			fmt.Fprintf(w, `<rect x="%d" y="%d" width="%d" height="%d" fill="#fff8d0" stroke="#c9a800"/>`, x1-bw/2, y-18-extra, bw, 22+extra)
			writeSVGText(w, x1, y-3-extra, "#111", full, lines)
		default:
			style := `stroke="#333" marker-end="url(#ah)"`
			color := "#111"
			switch a.kind {
			case arrowReply:
				style = `stroke="#333" stroke-dasharray="6 4" marker-end="url(#ah)"`
			case arrowBlock:
				style = `stroke="#c00" stroke-dasharray="6 4" marker-end="url(#ax)"`
				color = "#c00"
			}
			fmt.Fprintf(w, `<line x1="%d" y1="%d" x2="%d" y2="%d" %s/>`, x1, y, x2, y, style)
			writeSVGText(w, (x1+x2)/2, y-5-extra, color, full, lines)
		}
	}
	w.WriteString("</svg>\n")
}

// writeSVGText writes a centred monospace label, one <tspan> a line from
// y down, with the full text as its <title>.
func writeSVGText(w *bufio.Writer, cx, y int, color, title string, lines []string) {
	fmt.Fprintf(w, `<text x="%d" y="%d" text-anchor="middle" font-size="11" font-family="monospace" fill="%s"><title>%s</title>`, cx, y, color, title)
	for i, l := range lines {
		dy := 0
		if i > 0 {
			dy = svgLineH
		}
		fmt.Fprintf(w, `<tspan x="%d" dy="%d">%s</tspan>`, cx, dy, html.EscapeString(l))
	}
	w.WriteString("</text>\n")
}

// wrapLabel breaks s into lines of at most width characters, at spaces
// where it can and after a '/', ',' or '-' inside a long word (a URL, an
// error code) otherwise, keeping at most maxLines lines: a longer text
// ends with an ellipsis.
func wrapLabel(s string, width, maxLines int) []string {
	var lines []string
	rest := []rune(strings.Join(strings.Fields(s), " "))
	for len(rest) > width {
		cut := -1
		for i := width; i > width/3; i-- {
			if rest[i] == ' ' {
				cut = i
				break
			}
		}
		next := cut + 1
		if cut < 0 {
			for i := width - 1; i > width/3; i-- {
				if strings.ContainsRune("/,-", rest[i]) {
					cut, next = i+1, i+1
					break
				}
			}
		}
		if cut < 0 {
			cut, next = width, width
		}
		lines = append(lines, string(rest[:cut]))
		rest = []rune(strings.TrimLeft(string(rest[next:]), " "))
	}
	lines = append(lines, string(rest))
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] = shorten(lines[maxLines-1]+" …", width)
	}
	return lines
}

// labelW is the width in pixels of the widest line of a label.
func labelW(lines []string) int {
	n := 0
	for _, l := range lines {
		n = max(n, utf8.RuneCountInString(l))
	}
	return int(float64(n)*svgCharW + 0.5)
}

// textW is the width in pixels of s at charW pixels a character.
func textW(s string, charW float64) int {
	return int(float64(utf8.RuneCountInString(s))*charW + 0.5)
}

// shorten cuts s to n characters with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
