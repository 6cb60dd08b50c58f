package report

import (
	"bufio"
	"fmt"
	"html"
	"unicode/utf8"
)

// SVG layout constants, in pixels.
const (
	svgLaneGap  = 210
	svgMargin   = 110
	svgHeadH    = 40
	svgRowH     = 34
	svgMaxLabel = 34 // characters shown on an arrow; the full text is in a <title>
)

// writeSVG draws a sequence diagram as an inline SVG element: lanes with
// their names on top, solid arrows for requests, dashed for responses, red
// crossed arrows for blocks, yellow notes over the browser.
func writeSVG(w *bufio.Writer, s *sequence) {
	x := map[string]int{}
	for i, l := range s.lanes {
		x[l.id] = svgMargin + i*svgLaneGap
	}
	width := 2*svgMargin + (len(s.lanes)-1)*svgLaneGap
	height := svgHeadH + 20 + len(s.arrows)*svgRowH + 20
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" class="seq" width="%d" height="%d" viewBox="0 0 %d %d" role="img">`+"\n", width, height, width, height)
	w.WriteString(`<defs><marker id="ah" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker>` +
		`<marker id="ax" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="10" markerHeight="10"><path d="M1,1 L9,9 M9,1 L1,9" stroke="#c00" stroke-width="2"/></marker></defs>` + "\n")
	for _, l := range s.lanes {
		cx := x[l.id]
		fmt.Fprintf(w, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#bbb" stroke-dasharray="4 4"/>`+"\n", cx, svgHeadH, cx, height-10)
		fmt.Fprintf(w, `<rect x="%d" y="4" width="%d" height="%d" rx="4" fill="#eef3fb" stroke="#5577aa"/>`, cx-svgLaneGap/2+8, svgLaneGap-16, svgHeadH-10)
		fmt.Fprintf(w, `<text x="%d" y="%d" text-anchor="middle" font-size="12" font-family="sans-serif"><title>%s</title>%s</text>`+"\n",
			cx, 4+(svgHeadH-10)/2+4, html.EscapeString(l.label), html.EscapeString(shorten(l.label, 30)))
	}
	y := svgHeadH + 20
	for _, a := range s.arrows {
		y += svgRowH
		x1, x2 := x[a.from], x[a.to]
		label := html.EscapeString(shorten(a.text, svgMaxLabel))
		full := html.EscapeString(a.text)
		switch a.kind {
		case arrowNote:
			fmt.Fprintf(w, `<rect x="%d" y="%d" width="%d" height="22" fill="#fff8d0" stroke="#c9a800"/>`, x1-svgLaneGap/2+12, y-18, svgLaneGap-24)
			fmt.Fprintf(w, `<text x="%d" y="%d" text-anchor="middle" font-size="11" font-family="sans-serif"><title>%s</title>%s</text>`+"\n", x1, y-3, full, label)
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
			fmt.Fprintf(w, `<text x="%d" y="%d" text-anchor="middle" font-size="11" font-family="monospace" fill="%s"><title>%s</title>%s</text>`+"\n", (x1+x2)/2, y-5, color, full, label)
		}
	}
	w.WriteString("</svg>\n")
}

// shorten cuts s to n characters with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
