package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEExamples runs every tiled command of the README's sh blocks as written, in order, each block in a
// working directory of its own with a fresh store (tiled.db there) and the repository's data/ beside it. A block
// whose first command does not create the store (seed or import) starts from the seeded store `make run` makes. The
// GeoNames import example gets small files of the real formats under the names it uses; `tiled serve`, the make
// targets (the set-up commands) and the commands naming a PostgreSQL server of the reader's are left out.
func TestREADMEExamples(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	top, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	admin1, err := os.ReadFile("testdata/admin1CodesASCII.txt")
	if err != nil {
		t.Fatal(err)
	}
	blocks := shBlocks(string(readme))
	ran := 0
	for i, block := range blocks {
		var cmds [][]string
		for _, line := range block {
			args := splitShell(line)
			if len(args) < 2 || args[0] != "tiled" || args[1] == "serve" || strings.Contains(line, "postgres://") {
				continue // serve does not return; a PostgreSQL address is the reader's own (postgres/ tests the store)
			}
			cmds = append(cmds, args[1:])
		}
		if len(cmds) == 0 {
			continue
		}
		dir := t.TempDir()
		t.Chdir(dir)
		// The repository's directories (data/, report/testdata/, …) as a fresh clone has them.
		for _, e := range top {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				if err := os.Symlink(filepath.Join(root, e.Name()), e.Name()); err != nil {
					t.Fatal(err)
				}
			}
		}
		files := map[string]string{
			"admin1CodesASCII.txt": string(admin1),
			"admin2Codes.txt":      "RU.41.555\tSudzhanskiy Rayon\tSudzhanskiy Rayon\t555\n",
			"alternateNamesV2.txt": "1\t486816\tru\tСуджа\t1\t\t\t\t\t\n",
			"cities1000.txt":       "486816\tSudzha\tSudzha\tSudscha\t51.19139\t35.27056\tP\tPPLA2\tRU\t\t41\t555\t\t\t6036\t\t177\tEurope/Moscow\t2019-09-05\n",
		}
		for name, body := range files {
			if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if c := cmds[0][0]; c != "seed" && c != "import" {
			cmds = append([][]string{{"seed"}}, cmds...)
		}
		for _, args := range cmds {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr, func(string) string { return "" })
			if err != nil {
				t.Errorf("README block %d: tiled %s: %v\n%s", i+1, strings.Join(args, " "), err, stderr.String())
			}
			ran++
		}
	}
	if ran < 25 {
		t.Errorf("ran %d README examples, want the README's 25 or more", ran)
	}
}

// shBlocks returns the lines of the README's ```sh blocks, comments removed and continued lines joined.
func shBlocks(md string) [][]string {
	var blocks [][]string
	var cur []string
	in := false
	sc := bufio.NewScanner(strings.NewReader(md))
	pending := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "```sh"):
			in, cur = true, nil
			continue
		case in && strings.HasPrefix(line, "```"):
			in = false
			blocks = append(blocks, cur)
			continue
		case !in:
			continue
		}
		line = stripComment(line)
		if strings.HasSuffix(line, "\\") {
			pending += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		if line = strings.TrimSpace(pending + line); line != "" {
			cur = append(cur, line)
		}
		pending = ""
	}
	return blocks
}

// stripComment drops a # comment that is not inside quotes.
func stripComment(line string) string {
	quote := rune(0)
	for i, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote == 0 && (r == '"' || r == '\''):
			quote = r
		case quote == 0 && r == '#' && (i == 0 || line[i-1] == ' '):
			return strings.TrimRight(line[:i], " ")
		}
	}
	return line
}

// splitShell splits a command line into words as sh does for the README's examples: spaces separate, single and
// double quotes group.
func splitShell(line string) []string {
	var out []string
	var w strings.Builder
	quote, inWord := rune(0), false
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				out = append(out, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, w.String())
	}
	return out
}
