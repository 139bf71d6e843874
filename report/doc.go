// Package report holds proctour's headless views: the text log and JSON
// trace of a run, the outcome chart of repeated runs, the list of lessons
// and scenarios, and the progress table. The command line prints them; the
// terminal UI draws its outcome charts from the same bars.
package report
