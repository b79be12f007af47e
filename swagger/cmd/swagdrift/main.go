// Command swagdrift reports where swag's annotations disagree with what a
// gindepends app enforces: it compares swag's swagger.json with the
// document the app serves, built from its declarations.
//
//	go run github.com/gindepends/gindepends/swagger/cmd/swagdrift \
//		-swag docs/swagger.json -openapi http://127.0.0.1:8080/openapi.json
//
// It prints each difference with the annotation to write, and exits 1 when
// there is one, 2 when a document cannot be read.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gindepends/gindepends/swagger"
)

func main() {
	swagPath := flag.String("swag", "docs/swagger.json", "swag's `file`, from swag init")
	openAPI := flag.String("openapi", "http://127.0.0.1:8080/openapi.json", "the app's document: a `URL or file`")
	flag.Parse()
	os.Exit(run(*swagPath, *openAPI, os.Stdout, os.Stderr))
}

func run(swagPath, openAPI string, stdout, stderr io.Writer) int {
	swagJSON, err := os.ReadFile(swagPath)
	if err != nil {
		fmt.Fprintln(stderr, "swagdrift:", err)
		return 2
	}
	doc, err := read(openAPI)
	if err != nil {
		fmt.Fprintln(stderr, "swagdrift:", err)
		return 2
	}
	diffs, err := swagger.DriftFromDocuments(swagJSON, doc)
	if err != nil {
		fmt.Fprintln(stderr, "swagdrift:", err)
		return 2
	}
	for _, d := range diffs {
		fmt.Fprintln(stdout, d)
	}
	if len(diffs) > 0 {
		fmt.Fprintf(stdout, "%d differences\n", len(diffs))
		return 1
	}
	fmt.Fprintln(stdout, "the annotations agree with the declarations")
	return 0
}

func read(src string) ([]byte, error) {
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		return os.ReadFile(src)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(src)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", src, resp.Status)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 64<<20))
}
