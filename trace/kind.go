package trace

// The kinds of event. A kind is only ever added: never renamed, never
// given another meaning, since traces written before are read after.
// Where val has a structured payload, its type is named (payload.go).

// Processes, printing, sleeping, files (DESIGN.md's core kinds).
const (
	KindProcStart     = "proc.start"     // val: the target's name (TargetPoolWorker, …); ppid, daemon
	KindProcExit      = "proc.exit"      // val: the exit code, minus the signal number when killed
	KindProcTerminate = "proc.terminate" // obj: the process terminated; val: the signal's name
	KindProcJoin      = "proc.join"      // obj: the process joined; val: the timeout or null
	KindProcZombie    = "proc.zombie"    // exited, and its parent has not waited for it yet: its proc.exit follows when it is reaped
	KindStdout        = "stdout"         // val: the line printed; obj "stderr" for an error's traceback
	KindSleep         = "sleep"          // val: the seconds of the listing
	KindFileRead      = "file.read"      // obj: the file's name; val: its content
	KindFileWrite     = "file.write"     // val: the content written
	KindFileAppend    = "file.append"    // val: the content appended
	KindFileReplace   = "file.replace"   // os.replace(src, obj): obj the file replaced, val src's name; src's content is obj's now, src is gone
	KindError         = "error"
	KindWatchdog      = "watchdog" // the demo was stopped because it would hang forever: val the report, text its format
	KindTiming        = "timing"   // a measured wall time the lesson compares: obj what was timed ("Pool(5).map"), val the seconds
)

// The run itself: what was run and how, first, and how it ended, last.
// Both are proctour's, not a process's: pid is proctour's own (in a Go
// demo, MainProcess's), proc "proctour"; the fold takes no lane from them.
// A trace written before they were added has neither (its first event is
// MainProcess's proc.start, its last MainProcess's proc.exit).
const (
	KindRunBegin = "run.begin" // the first event: val RunBegin (scenario or program, variants, mode, seed, speed, version)
	KindRunEnd   = "run.end"   // the last event, after MainProcess's proc.exit: val RunEnd (exit, who stopped it, the outcome)
)

// Locks, semaphores and events.
const (
	KindLockWait    = "lock.wait"    // val: the timeout or null
	KindLockAcquire = "lock.acquire" // val: true, false (a non-blocking acquire that failed) or an RLock's depth
	KindLockRelease = "lock.release" // val: null, or an RLock's depth after it
	KindSemWait     = "sem.wait"     // val: SemValue
	KindSemAcquire  = "sem.acquire"  // val: SemValue, or false
	KindSemRelease  = "sem.release"  // val: SemValue
	KindEventWait   = "event.wait"   // val: the timeout or null
	KindEventWake   = "event.wake"   // val: what wait() returned
	KindEventSet    = "event.set"
	KindEventClear  = "event.clear"
)

// Conditions and barriers (Python's multiprocessing.Condition and
// Barrier). A condition's lock is told by the lock kinds under the lock's
// own name: the variable the program gave it (Condition(lock)), or the
// condition's name when the condition made its own RLock. A barrier's
// and a condition's inner locks and semaphores are never told.
const (
	KindCondWait      = "cond.wait"      // wait() released the lock and waits: val CondWait; err if the lock was not held (nothing changed)
	KindCondNotify    = "cond.notify"    // notify(n) or notify_all(): val CondNotify; err if the lock was not held
	KindCondWake      = "cond.wake"      // wait() returned, holding the lock again: val CondWake
	KindBarrierWait   = "barrier.wait"   // a party arrives at wait(): val BarrierWait
	KindBarrierPass   = "barrier.pass"   // wait() returned, every party having arrived: val the index it returned
	KindBarrierBroken = "barrier.broken" // wait() raised (err BrokenBarrierError): the barrier is broken
	KindBarrierAbort  = "barrier.abort"  // abort(): the barrier is broken, its waiters raise
	KindBarrierReset  = "barrier.reset"  // reset(): the barrier is whole again and empty, its waiters raise
)

// Queues. queue.put is reported before the item can reach a getter and
// queue.get after it was read, so a get never precedes its put.
const (
	KindQueueNew      = "queue.new"       // Queue(maxsize) made: val QueueNew
	KindQueuePut      = "queue.put"       // val: the item
	KindQueueGet      = "queue.get"       // val: the item
	KindQueueBlock    = "queue.block"     // the call waits: val QueueBlock
	KindQueueTaskDone = "queue.task_done" // val: the unfinished count after it
	KindQueueJoin     = "queue.join"      // val: the unfinished count; the return is the next event
	KindQueueClose    = "queue.close"     // this process will put and get no more
)

// Pipe connections. obj is the connection's name ("parent_conn"), except
// for pipe.new, whose obj is the pipe's.
const (
	KindPipeNew     = "pipe.new"     // Pipe() made: val PipeNew; its process holds both ends
	KindPipeInherit = "pipe.inherit" // a child got a copy of an end in its arguments: val PipeInherit
	KindPipeSend    = "pipe.send"    // val: the value sent (send_bytes: the bytes as a string)
	KindPipeRecv    = "pipe.recv"    // val: the value received
	KindPipePoll    = "pipe.poll"    // val PipePoll
	KindPipeClose   = "pipe.close"   // this process's copy of the end is closed
	KindPipeEOF     = "pipe.eof"     // recv found every copy of the other end closed; err EOFError
	KindPipeBlock   = "pipe.block"   // val "recv" (or "poll": poll(timeout)): nothing has arrived, the call waits
)

// Managers. manager.call is the caller's; the others are the server
// process's.
const (
	KindManagerCall   = "manager.call"   // a proxy call returned: val ManagerCall; err if it raised
	KindManagerNew    = "manager.new"    // the server made an object: val ManagerServe (type, value, caller)
	KindManagerServe  = "manager.serve"  // the server ran a call: val ManagerServe, value the object's after
	KindManagerBlock  = "manager.block"  // a call must wait (held lock, empty or full queue): val ManagerServe
	KindManagerRefuse = "manager.refuse" // the server refused a connection whose authkey was wrong: val the peer's address
	KindManagerListen = "manager.listen" // the main script serves workers of other machines from its manager on TCP (lesson 17): val Listen
)

// A message broker (NATS JetStream, lesson 17): obj is the stream. Each
// is told by the process that did it, once the broker has answered.
const (
	KindBrokerPublish   = "broker.publish"   // a job published and stored by the broker: val BrokerMsg
	KindBrokerDeliver   = "broker.deliver"   // a consumer fetched a job for the first time: val BrokerMsg
	KindBrokerRedeliver = "broker.redeliver" // a consumer fetched a job delivered before and never acknowledged: val BrokerMsg
	KindBrokerAck       = "broker.ack"       // a consumer acknowledged a job: the broker drops it; val BrokerMsg
	KindBrokerListen    = "broker.listen"    // the main script takes consumers of other machines at its broker: val Listen
)

// Pools (and ProcessPoolExecutor's pool).
const (
	KindPoolNew       = "pool.new"        // val PoolNew
	KindPoolWorker    = "pool.worker"     // a worker process joined the pool (obj)
	KindPoolSubmit    = "pool.submit"     // val PoolSubmit
	KindPoolTaskStart = "pool.task_start" // a worker runs an item: val PoolTask
	KindPoolTaskDone  = "pool.task_done"  // val PoolTask; err if it raised
	KindPoolCallback  = "pool.callback"   // in the parent: val PoolCallback; the callback runs next
	KindPoolGet       = "pool.get"        // get() returned: val PoolGet; err if the task raised
	KindPoolClose     = "pool.close"      // val null, or PoolClose (an executor's shutdown)
	KindPoolJoin      = "pool.join"
	KindPoolTerminate = "pool.terminate"
)

// KindIntent is never in a trace: it marks a record on the wire between a
// process and its session that is not an event but an operation announced
// at the gate (step and seeded modes), which the session routes to its
// scheduler. It is listed here so that no event kind ever takes its name.
const KindIntent = "gate"

// The targets of the machinery's own processes: a proc.start's val, for
// a process proctour starts itself rather than a scenario.
const (
	TargetPoolWorker    = "pool.worker"    // a pool's worker
	TargetManagerServer = "manager.server" // a manager's server: it serves others' calls, and the gate never holds it
	// TargetForkServer is Python's fork server (start method forkserver):
	// it forks the children the main process asks for, and serves as long
	// as the main process lives. Only a Python run has one.
	TargetForkServer = "forkserver"
)

// Kinds lists every kind, in the order of this file.
func Kinds() []string {
	return []string{
		KindProcStart, KindProcExit, KindProcTerminate, KindProcJoin, KindProcZombie,
		KindStdout, KindSleep, KindFileRead, KindFileWrite, KindFileAppend, KindFileReplace,
		KindError, KindWatchdog, KindTiming,
		KindRunBegin, KindRunEnd,
		KindLockWait, KindLockAcquire, KindLockRelease,
		KindSemWait, KindSemAcquire, KindSemRelease,
		KindEventWait, KindEventWake, KindEventSet, KindEventClear,
		KindCondWait, KindCondNotify, KindCondWake,
		KindBarrierWait, KindBarrierPass, KindBarrierBroken, KindBarrierAbort, KindBarrierReset,
		KindQueueNew, KindQueuePut, KindQueueGet, KindQueueBlock, KindQueueTaskDone, KindQueueJoin, KindQueueClose,
		KindPipeNew, KindPipeInherit, KindPipeSend, KindPipeRecv, KindPipePoll, KindPipeClose, KindPipeEOF, KindPipeBlock,
		KindManagerCall, KindManagerNew, KindManagerServe, KindManagerBlock, KindManagerRefuse, KindManagerListen,
		KindBrokerPublish, KindBrokerDeliver, KindBrokerRedeliver, KindBrokerAck, KindBrokerListen,
		KindPoolNew, KindPoolWorker, KindPoolSubmit, KindPoolTaskStart, KindPoolTaskDone,
		KindPoolCallback, KindPoolGet, KindPoolClose, KindPoolJoin, KindPoolTerminate,
		KindIntent,
	}
}
