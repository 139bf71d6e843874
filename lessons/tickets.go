package lessons

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/proctour/proctour/primitives"
	"github.com/proctour/proctour/trace"
)

var ticketsListing = NewListing(`
BUYERS = {buyers}
USE_LOCK = {lock}
TICKETS = {tickets}

import json, os, time
from multiprocessing import Process, Lock

def search(name):
    with open('db.json') as f:
        count = json.load(f)['count']                  #@search
    print(f'{name} sees {count} ticket(s) left')

def buy(name):
    with open('db.json') as f:
        count = json.load(f)['count']                  #@read
    time.sleep(0.1)  # the network is slow             #@delay
    if count > 0:
        tmp = f'db.{name}.tmp'  # write a new file...
        with open(tmp, 'w') as f:
            json.dump({'count': count - 1}, f)         #@write
        os.replace(tmp, 'db.json')  # ...and swap it in #@replace
        print(f'{name} got a ticket')                   #@got
    else:
        print(f'{name}: sold out')                      #@soldout

def task(name, lock):
    search(name)
    if lock:
        lock.acquire()                                 #@acquire
        buy(name)
        lock.release()                                 #@release
    else:
        buy(name)

if __name__ == '__main__':
    with open('db.json', 'w') as f:
        json.dump({'count': TICKETS}, f)               #@init
    lock = Lock() if USE_LOCK else None                #@lock
    buyers = [Process(target=task, args=(f'buyer-{i}', lock))
              for i in range(BUYERS)]
    for p in buyers:
        p.start()                                      #@start
    for p in buyers:
        p.join()                                       #@join
    with open('db.json') as f:
        print('left:', json.load(f)['count'])          #@final
`)

// Tickets is lesson 5's race: buyers read a ticket count from a real file,
// wait for the "network", and write it back decremented. Without the lock
// many buyers read the same count and the ticket is sold many times. The
// write goes to a buyer's own temporary file, renamed over db.json
// (os.replace): a reader, locked or not, finds a whole file, never the
// empty one a write in place leaves for an instant.
var Tickets = register(&Scenario{
	ID:        "tickets",
	Lesson:    5,
	Summary:   "buyers race for tickets in db.json; lock=off oversells, lock=on sells exactly",
	SummaryZh: "买家抢 db.json 里的票；lock=off 会超卖，lock=on 卖得分毫不差",
	Listing:   ticketsListing,
	ListingZh: map[string]string{
		"the network is slow": "网络很慢",
		"write a new file...": "先写一个新文件……",
		"...and swap it in":   "……再一步换上去",
	},
	Variants: []Variant{
		{Key: "lock", Default: "off", Values: []string{"off", "on"}, Help: "guard the read-modify-write with a Lock", HelpZh: "用一把 Lock 保护“读出、修改、写回”这几步"},
		{Key: "buyers", Default: "100", Min: 1, Max: 300, Help: "how many buyer processes", HelpZh: "多少个买家进程"},
		{Key: "tickets", Default: "1", Min: 0, Max: 100, Help: "tickets in db.json at the start", HelpZh: "开始时 db.json 里的票数"},
	},
	Budget: 20 * time.Second,
	Outcome: &Outcome{Label: "tickets sold", LabelZh: "售出的票数", Measure: func(events []trace.Record) (int, bool) {
		n := 0
		for _, e := range events {
			var text string
			if e.Kind == trace.KindStdout && json.Unmarshal(e.Val, &text) == nil && strings.HasSuffix(text, " got a ticket") {
				n++
			}
		}
		return n, true
	}, Correct: func(v Vars) int { return min(v.Int("tickets"), v.Int("buyers")) }},
	Main: ticketsMain,
})

type ticketArgs struct {
	Name string
	DB   string
	Lock *primitives.Lock // nil without the lock
}

type ticketDB struct {
	Count int `json:"count"`
}

var ticketBuyer = primitives.Register("tickets.task", func(rt *primitives.Runtime, a ticketArgs) error {
	at := ticketsListing.At
	rt.Line(at("search"))
	db, err := readDB(rt, a.DB)
	if err != nil {
		return err
	}
	rt.Printf("%s sees %d ticket(s) left", a.Name, db.Count)
	if a.Lock != nil {
		rt.Line(at("acquire"))
		a.Lock.Acquire()
	}
	rt.Line(at("read"))
	if db, err = readDB(rt, a.DB); err != nil {
		return err
	}
	rt.Line(at("delay"))
	rt.Sleep(0.1)
	if db.Count > 0 {
		rt.Line(at("write"))
		tmp := filepath.Join(filepath.Dir(a.DB), "db."+a.Name+".tmp")
		if err := writeDB(rt, tmp, db.Count-1); err != nil {
			return err
		}
		rt.Line(at("replace"))
		if err := rt.ReplaceFile(tmp, a.DB); err != nil {
			return err
		}
		rt.Line(at("got"))
		rt.Printf("%s got a ticket", a.Name)
	} else {
		rt.Line(at("soldout"))
		rt.Printf("%s: sold out", a.Name)
	}
	if a.Lock != nil {
		rt.Line(at("release"))
		return a.Lock.Release()
	}
	return nil
})

func ticketsMain(rt *primitives.Runtime, v Vars) error {
	at := ticketsListing.At
	dir, err := scratchDir("tickets")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "db.json")
	rt.Line(at("init"))
	if err := writeDB(rt, db, v.Int("tickets")); err != nil {
		return err
	}
	var lock *primitives.Lock
	if v.On("lock") {
		rt.Line(at("lock"))
		if lock, err = rt.NewLock("lock"); err != nil {
			return err
		}
	}
	buyers := make([]*primitives.Process, v.Int("buyers"))
	rt.Line(at("start"))
	for i := range buyers {
		name := fmt.Sprintf("buyer-%d", i)
		buyers[i] = primitives.NewProcess(rt, ticketBuyer, ticketArgs{Name: name, DB: db, Lock: lock})
		buyers[i].Name = name
		if err := buyers[i].Start(); err != nil {
			return err
		}
	}
	rt.Line(at("join"))
	for _, p := range buyers {
		p.Join()
	}
	rt.Line(at("final"))
	final, err := readDB(rt, db)
	if err != nil {
		return err
	}
	rt.Print("left:", final.Count)
	return nil
}

func readDB(rt *primitives.Runtime, path string) (ticketDB, error) {
	var db ticketDB
	b, err := rt.ReadFile(path)
	if err != nil {
		return db, err
	}
	if err := json.Unmarshal(b, &db); err != nil {
		// A file read while a write in place has emptied it (open(path,
		// 'w') truncates first): Python's json.load fails the same way.
		// The buyers replace db.json whole, so they never see one.
		msg := "Expecting value: line 1 column 1 (char 0)"
		if len(b) > 0 {
			msg = err.Error()
		}
		return db, &primitives.Error{Type: "json.decoder.JSONDecodeError", Msg: msg}
	}
	return db, nil
}

func writeDB(rt *primitives.Runtime, path string, count int) error {
	return rt.WriteFile(path, fmt.Appendf(nil, `{"count": %d}`, count))
}
