package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/corsim/corsim/sim"
)

// JSONWriter writes the JSON document JSON writes for one scenario, while
// the scenario runs: it is a sim.Observer (give it as sim.Options.Observer,
// with DropSteps). Each step is encoded as it completes into a spool file
// and dropped; End writes the document, the spooled steps copied in
// place, byte for byte what JSON writes. Memory stays flat in the number
// of steps; the spool takes as much disk as the steps' part of the
// output, and is removed by End.
type JSONWriter struct {
	w      io.Writer
	spool  *os.File
	buf    *bufio.Writer
	enc    *json.Encoder // into step
	step   bytes.Buffer  // one step's JSON
	prefix string        // the indentation of a step in the document
	runs   []spooledRun
	cur    *spooledRun
	err    error
	// skeleton is the document without its steps, made by Finish.
	skeleton []byte
}

// spooledRun is one profile's run: its steps are spool bytes [from, to).
type spooledRun struct {
	run      *sim.ProfileRun
	from, to int64
	steps    int
}

var _ sim.Observer = (*JSONWriter)(nil)

// NewJSONWriter returns a JSONWriter whose End writes to w, with its
// spool in the system's temporary directory.
func NewJSONWriter(w io.Writer) (*JSONWriter, error) {
	f, err := os.CreateTemp("", "corsim-report-*.json")
	if err != nil {
		return nil, fmt.Errorf("a temporary file for the JSON report: %v", err)
	}
	j := &JSONWriter{w: w, spool: f, buf: bufio.NewWriterSize(f, 64<<10), prefix: stepIndent()}
	j.enc = json.NewEncoder(&j.step)
	j.enc.SetIndent(j.prefix, "  ")
	j.enc.SetEscapeHTML(false)
	return j, nil
}

// stepPlaceholder is what a step stands as in the document's skeleton
// until the spooled steps replace it.
const stepPlaceholder = "null"

// stepIndent returns the indentation JSON gives a step: the document's
// shape is fixed (scenarios, runs, steps), so it is found once.
func stepIndent() string {
	var b bytes.Buffer
	skeleton(&b, &Document{Schema: Schema, Scenarios: []*Scenario{{Runs: []*ProfileRun{{Steps: []*Step{nil}}}}}})
	i := bytes.Index(b.Bytes(), []byte(stepPlaceholder+"\n"))
	j := bytes.LastIndexByte(b.Bytes()[:i], '\n')
	return string(b.Bytes()[j+1 : i])
}

// skeleton encodes d as JSON does.
func skeleton(w io.Writer, d *Document) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

func (j *JSONWriter) offset() int64 {
	n, err := j.spool.Seek(0, io.SeekCurrent)
	if err != nil && j.err == nil {
		j.err = err
	}
	return n + int64(j.buf.Buffered())
}

// Step spools one step.
func (j *JSONWriter) Step(run *sim.ProfileRun, st *sim.Step) {
	if j.cur == nil || j.cur.run != run {
		j.runs = append(j.runs, spooledRun{run: run, from: j.offset()})
		j.cur = &j.runs[len(j.runs)-1]
	}
	if j.err != nil {
		return
	}
	if j.cur.steps > 0 {
		j.buf.WriteString(",\n" + j.prefix)
	}
	// Encode ends the value with a newline, which the separator replaces.
	j.step.Reset()
	if err := j.enc.Encode(buildStep(st)); err != nil {
		j.err = err
		return
	}
	j.buf.Write(bytes.TrimSuffix(j.step.Bytes(), []byte("\n")))
	j.cur.steps++
}

// ProfileDone closes a run's steps.
func (j *JSONWriter) ProfileDone(run *sim.ProfileRun) {
	if j.cur == nil || j.cur.run != run {
		j.runs = append(j.runs, spooledRun{run: run, from: j.offset()})
		j.cur = &j.runs[len(j.runs)-1]
	}
	j.cur.to = j.offset()
	j.cur = nil
}

// End writes the document for r, whose runs were observed, and removes
// the spool.
func (j *JSONWriter) End(r *sim.Result) error {
	st := NewJSONStream(j.w)
	if err := j.Finish(r); err != nil {
		j.discard()
		return err
	}
	if err := st.Write(j); err != nil {
		return err
	}
	return st.Close()
}

// Finish ends the scenario r, whose runs were observed: its steps are on
// disk and the spool's file is closed (so that many finished scenarios
// waiting for their turn hold no file open) until a JSONStream writes it.
func (j *JSONWriter) Finish(r *sim.Result) error {
	if j.err == nil {
		j.err = j.buf.Flush()
	}
	if cerr := j.spool.Close(); j.err == nil {
		j.err = cerr
	}
	if j.err != nil {
		return j.err
	}
	s := BuildScenario(r)
	if len(s.Runs) != len(j.runs) {
		return errors.New("report: the runs observed are not the result's runs")
	}
	for i, sr := range j.runs {
		if sr.steps > 0 {
			s.Runs[i].Steps = []*Step{nil}
		}
	}
	var sk bytes.Buffer
	if err := skeleton(&sk, &Document{Schema: Schema, Scenarios: []*Scenario{s}}); err != nil {
		return err
	}
	j.skeleton = sk.Bytes()
	return nil
}

// Discard removes the spool of a scenario that will not be written (one
// cut short, say).
func (j *JSONWriter) Discard() { j.discard() }

// discard removes the spool.
func (j *JSONWriter) discard() {
	j.spool.Close()
	os.Remove(j.spool.Name())
}

// writeScenario writes the scenario's object (the document's
// "scenarios" element), the spooled steps copied in place, and removes
// the spool.
func (j *JSONWriter) writeScenario(w io.Writer) error {
	defer os.Remove(j.spool.Name())
	f, err := os.Open(j.spool.Name())
	if err != nil {
		return err
	}
	defer f.Close()
	from, to := scenarioPart(j.skeleton)
	rest := j.skeleton[from:to]
	hole := []byte("\"steps\": [\n" + j.prefix + stepPlaceholder + "\n")
	for _, sr := range j.runs {
		if sr.steps == 0 {
			continue
		}
		i := bytes.Index(rest, hole)
		if i < 0 {
			return errors.New("report: no place for the steps in the JSON document")
		}
		at := i + len(hole) - len(stepPlaceholder) - 1
		if _, err := w.Write(rest[:at]); err != nil {
			return err
		}
		if _, err := io.Copy(w, io.NewSectionReader(f, sr.from, sr.to-sr.from)); err != nil {
			return err
		}
		rest = rest[at+len(stepPlaceholder):]
	}
	_, err = w.Write(rest)
	return err
}

// scenarioPart returns where the one scenario object of a skeleton
// document starts ("{") and ends (after its "}").
func scenarioPart(doc []byte) (from, to int) {
	head := []byte("\"scenarios\": [\n")
	from = bytes.Index(doc, head) + len(head)
	for doc[from] == ' ' {
		from++
	}
	to = bytes.LastIndex(doc, []byte("\n  ]"))
	return from, to
}

// JSONStream writes the JSON document of several scenarios, each spooled
// by its own JSONWriter (NewJSONWriter(nil), the scenario's Observer, then
// Finish) while it ran, in the order given: byte for byte what JSON writes
// of all the results.
type JSONStream struct {
	w    io.Writer
	n    int
	head []byte // the document up to the first scenario
	sep  []byte // between two scenarios
	tail []byte // after the last one
}

// NewJSONStream returns a JSONStream writing to w.
func NewJSONStream(w io.Writer) *JSONStream {
	var sk bytes.Buffer
	skeleton(&sk, &Document{Schema: Schema, Scenarios: []*Scenario{{}}})
	doc := sk.Bytes()
	from, to := scenarioPart(doc)
	line := bytes.LastIndexByte(doc[:from], '\n')
	return &JSONStream{w: w, head: doc[:from], sep: append([]byte(",\n"), doc[line+1:from]...), tail: doc[to:]}
}

// Write writes j's finished scenario next in the document.
func (s *JSONStream) Write(j *JSONWriter) error {
	b := s.sep
	if s.n == 0 {
		b = s.head
	}
	s.n++
	if _, err := s.w.Write(b); err != nil {
		j.discard()
		return err
	}
	return j.writeScenario(s.w)
}

// Close writes the end of the document.
func (s *JSONStream) Close() error {
	if s.n == 0 {
		return skeleton(s.w, &Document{Schema: Schema, Scenarios: []*Scenario{}})
	}
	_, err := s.w.Write(s.tail)
	return err
}

// buildStep is one step in its JSON form, as BuildScenario makes it.
func buildStep(st *sim.Step) *Step {
	js := &Step{Line: st.Command.Line, Command: st.Command.Text, Kind: st.Command.Name, Time: st.Clock, OK: st.Failure == nil}
	if st.Failure != nil {
		js.Failure = st.Failure.Msg
	}
	if st.Fetch != nil {
		js.Fetch = BuildFetch(st.Fetch)
	}
	return js
}
