package lessons

import (
	"fmt"
	"time"

	"github.com/proctour/proctour/primitives"
)

var prodconsListing = NewListing(`
PRODUCERS = {producers}
CONSUMERS = {consumers}
ITEMS = {items}

import time
from multiprocessing import Process, Queue, current_process

MAKE, USE = 0.4, 0.6  # seconds to make an item, and to use one

def producer(i, q, n):
    me = current_process().name  # 'producer-1', ...
    for k in range(n):
        time.sleep(MAKE)  # making an item                  #@make
        item = f'p{i}-item-{k}'
        q.put(item)  # waits while the buffer is full       #@put
        print(f'{me} put {item}')                           #@putdone
    print(f'{me} done')                                     #@pdone

def consumer(q):
    me = current_process().name  # 'consumer-1', ...
    while True:
        item = q.get()  # waits while the buffer is empty   #@get
        if item is None:  # the sentinel: nothing more will come
            break
        print(f'{me} got {item}')                           #@got
        time.sleep(USE)  # using it                         #@use
    print(f'{me} stops')                                    #@stop

if __name__ == '__main__':
    q = Queue(3)  # the buffer                              #@new
    producers = [Process(target=producer, args=(i, q, ITEMS),
                         name=f'producer-{i}')
                 for i in range(1, PRODUCERS + 1)]
    consumers = [Process(target=consumer, args=(q,), name=f'consumer-{i}')
                 for i in range(1, CONSUMERS + 1)]
    for p in producers + consumers:
        p.start()                                           #@start
    for p in producers:
        p.join()                                            #@pjoin
    for _ in consumers:
        q.put(None)  # one sentinel per consumer            #@sentinel
    for c in consumers:
        c.join()                                            #@cjoin
    print('main: every item consumed')                      #@done
`)

// Prodcons is lesson 8's producers and consumers: PRODUCERS processes put
// ITEMS items each into a Queue(3) buffer, CONSUMERS processes get them. A
// producer makes an item in 0.4 s and a consumer uses one for 0.6 s: two
// producers outrun two consumers, so the buffer fills and the producers
// wait for room (and four consumers outrun two producers, and wait on an
// empty buffer). When the producers are done, main puts one None per
// consumer, and each consumer stops at the first None it gets.
var Prodcons = register(&Scenario{
	ID:        "prodcons",
	Lesson:    8,
	Summary:   "producers and consumers decoupled by a Queue(3) buffer; one None sentinel per consumer ends them",
	SummaryZh: "生产者和消费者由 Queue(3) 缓冲区解耦；每个消费者一个 None 哨兵让它结束",
	Listing:   prodconsListing,
	ListingZh: map[string]string{
		"seconds to make an item, and to use one": "做一件、用一件各需的秒数",
		"'producer-1', ...":                       "'producer-1' 等",
		"making an item":                          "生产一件",
		"waits while the buffer is full":          "缓冲区满时等待",
		"'consumer-1', ...":                       "'consumer-1' 等",
		"waits while the buffer is empty":         "缓冲区空时等待",
		"the sentinel: nothing more will come":    "哨兵：后面不会再有了",
		"using it":                                "使用它",
		"the buffer":                              "缓冲区",
		"one sentinel per consumer":               "每个消费者一个哨兵",
	},
	Variants: []Variant{
		{Key: "producers", Default: "2", Min: 1, Max: 4, Help: "producer processes, each making an item every 0.4 s", HelpZh: "生产者进程数，每个每 0.4 秒生产一项"},
		{Key: "consumers", Default: "2", Min: 1, Max: 4, Help: "consumer processes, each using an item for 0.6 s: 3 keep pace with 2 producers, so 2 fall behind (the buffer fills) and 4 wait (it runs empty)", HelpZh: "消费者进程数，每个用掉一项要 0.6 秒：3 个正好跟上 2 个生产者，所以 2 个会落后（缓冲区被填满），4 个会空等（缓冲区被取空）"},
		{Key: "items", Default: "10", Min: 1, Max: 12, Help: "items EACH producer puts (the total is producers × items)", HelpZh: "每个生产者放入的项数（总数是 producers × items）"},
	},
	// The default takes about 7 listing seconds (1.4 s). The longest, 4
	// producers of 12 items for one consumer, takes about 30 (6 s) live,
	// and 48 (10 s) in step mode, where one sleep runs at a time.
	Budget: 16 * time.Second,
	Main:   prodconsMain,
})

// The listing's MAKE and USE: how long a producer takes to make an item
// and a consumer to use one, in listing seconds; and the buffer's maxsize.
const (
	prodconsMake, prodconsUse = 0.4, 0.6
	prodconsBuffer            = 3
)

type prodconsArgs struct {
	ID int // i of producer-i
	Q  *primitives.Queue
	N  int // items to put
}

var (
	prodconsProducer = primitives.Register("prodcons.producer", func(rt *primitives.Runtime, a prodconsArgs) error {
		at := prodconsListing.At
		me := rt.Name()
		for k := range a.N {
			rt.Line(at("make"))
			rt.Sleep(prodconsMake)
			item := fmt.Sprintf("p%d-item-%d", a.ID, k)
			rt.Line(at("put"))
			if err := a.Q.Put(item); err != nil {
				return err
			}
			rt.Line(at("putdone"))
			rt.Printf("%s put %s", me, item)
		}
		rt.Line(at("pdone"))
		rt.Printf("%s done", me)
		return nil
	})
	prodconsConsumer = primitives.Register("prodcons.consumer", func(rt *primitives.Runtime, q *primitives.Queue) error {
		at := prodconsListing.At
		me := rt.Name()
		for {
			rt.Line(at("get"))
			var item *string
			if err := q.Get(&item); err != nil {
				return err
			}
			if item == nil {
				break
			}
			rt.Line(at("got"))
			rt.Printf("%s got %s", me, *item)
			rt.Line(at("use"))
			rt.Sleep(prodconsUse)
		}
		rt.Line(at("stop"))
		rt.Printf("%s stops", me)
		return nil
	})
)

func prodconsMain(rt *primitives.Runtime, v Vars) error {
	at := prodconsListing.At
	rt.Line(at("new"))
	q, err := rt.NewQueue("q", prodconsBuffer)
	if err != nil {
		return err
	}
	var producers, consumers []*primitives.Process
	for i := 1; i <= v.Int("producers"); i++ {
		p := primitives.NewProcess(rt, prodconsProducer, prodconsArgs{ID: i, Q: q, N: v.Int("items")})
		p.Name = fmt.Sprintf("producer-%d", i)
		producers = append(producers, p)
	}
	for i := 1; i <= v.Int("consumers"); i++ {
		c := primitives.NewProcess(rt, prodconsConsumer, q)
		c.Name = fmt.Sprintf("consumer-%d", i)
		consumers = append(consumers, c)
	}
	rt.Line(at("start"))
	for _, p := range append(producers, consumers...) {
		if err := p.Start(); err != nil {
			return err
		}
	}
	rt.Line(at("pjoin"))
	for _, p := range producers {
		p.Join()
	}
	for range consumers {
		rt.Line(at("sentinel"))
		if err := q.Put(nil); err != nil {
			return err
		}
	}
	rt.Line(at("cjoin"))
	for _, c := range consumers {
		c.Join()
	}
	rt.Line(at("done"))
	rt.Print("main: every item consumed")
	return nil
}
