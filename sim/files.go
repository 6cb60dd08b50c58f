package sim

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/corsim/corsim/sim/scenario"
)

// Collect expands paths into scenario files: a file is taken as is, a
// directory is walked for files ending in ".txtar". The result is sorted
// and without duplicates. A symbolic link met in a directory is followed
// only when it resolves to a file inside that directory: a link out of it
// (d/x.txtar -> /proc/self/environ) is an error, never read.
func Collect(paths ...string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
			continue
		}
		// A trailing separator makes the walk enter p even when p itself
		// is a symbolic link to a directory (the one link always followed:
		// the user named it).
		root := p
		if !strings.HasSuffix(root, string(filepath.Separator)) {
			root += string(filepath.Separator)
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(path, ".txtar") || seen[path] {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if target, ok := insideDir(p, path); !ok {
					if target == "" {
						return fmt.Errorf("%s: a symbolic link that leads nowhere", path)
					}
					return fmt.Errorf("%s: a symbolic link to %s, outside %s: not followed", path, target, p)
				}
			}
			seen[path] = true
			out = append(out, path)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

// RunFiles parses and runs the scenario files at paths in parallel (up to
// GOMAXPROCS at a time) and returns their results in the order of paths.
// A file that cannot be read or parsed has its error in Result.Err.
func RunFiles(ctx context.Context, paths []string, opts Options) []*Result {
	out := make([]*Result, len(paths))
	parallel(len(paths), func(i int) { out[i] = runFile(ctx, paths[i], opts) })
	return out
}

// RunAll runs parsed scenarios in parallel (up to GOMAXPROCS at a time)
// and returns their results in the order of scs. done, when not nil, is
// called after each scenario has run, from the goroutine that ran it (a
// progress count, say).
func RunAll(ctx context.Context, scs []*scenario.Scenario, opts Options, done func()) []*Result {
	out := make([]*Result, len(scs))
	RunEach(ctx, scs, opts, func(i int, r *Result) {
		out[i] = r
		if done != nil {
			done()
		}
	})
	return out
}

// RunEach runs parsed scenarios in parallel (up to GOMAXPROCS at a time),
// as RunAll does, but keeps no result: it hands each one to done as soon
// as it is complete, with its index in scs, from the goroutine that ran
// it. A report can then be written in order while later scenarios still
// run (with Options.ObserverFor and DropSteps, in flat memory).
func RunEach(ctx context.Context, scs []*scenario.Scenario, opts Options, done func(i int, r *Result)) {
	parallel(len(scs), func(i int) { done(i, Run(ctx, scs[i], opts)) })
}

// parallel calls f(0) … f(n-1), up to GOMAXPROCS calls at a time, and
// returns when all have returned.
func parallel(n int, f func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

func runFile(ctx context.Context, path string, opts Options) *Result {
	src, err := ReadInputFile(path)
	if err != nil {
		return &Result{Name: filepath.ToSlash(path), Err: err}
	}
	return RunSource(ctx, filepath.ToSlash(path), src, opts)
}
