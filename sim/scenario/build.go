package scenario

import (
	"github.com/corsim/corsim/fetch"
	"github.com/corsim/corsim/policy"
)

// OneFetch builds a scenario in code: a page at page (framed in top unless
// top is the zero Origin), the given servers, and one fetch with init,
// under the given profiles (nil means DefaultProfile). Servers need a
// Transport, or Kind ServerHandler and the handler's name in Source. The
// CLI's one-shot fetch uses it to reuse the runner and the reports.
func OneFetch(name string, profiles []string, page, top policy.Origin, servers []*Server, init fetch.RequestInit) *Scenario {
	if top == (policy.Origin{}) {
		top = page
	}
	if profiles == nil {
		profiles = []string{DefaultProfile}
	}
	sc := &Scenario{Name: name, Browsers: profiles, Files: map[string][]byte{}, FileLine: map[string]int{}}
	line := 1
	add := func(c *Command) {
		c.Line = line
		line++
		sc.Commands = append(sc.Commands, c)
	}
	pg := &Command{Name: "page", Page: &Page{Origin: page, Top: top}, Args: []string{page.String()}}
	if top != page {
		pg.Args = append(pg.Args, "in", top.String())
	}
	pg.Text = "page " + joinQuoted(pg.Args)
	add(pg)
	for _, s := range servers {
		c := &Command{Name: "server", Server: s, Args: []string{s.Target(), s.Kind, s.Source}}
		c.Text = "server " + joinQuoted(c.Args)
		add(c)
	}
	f := &Fetch{Init: init}
	add(&Command{Name: "fetch", Must: MayFail, Fetch: f, Text: "? " + f.String()})
	return sc
}

func joinQuoted(args []string) string {
	s := ""
	for i, a := range args {
		if i > 0 {
			s += " "
		}
		s += Quote(a)
	}
	return s
}
