# shellcheck shell=bash
# Sourced by scripts/testbed.sh: logging, files, and daemons started, checked and stopped by PID file.
# Every part of the test bed uses these; none defines its own.

log() { printf '[testbed %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
	log "ERROR: $*"
	exit 1
}

# run_logged NAME CMD...: run CMD with output appended to $LOG_DIR/NAME.log;
# on failure show the log's tail.
run_logged() {
	local name=$1
	shift
	local logf="$LOG_DIR/$name.log"
	printf '\n=== %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$logf"
	if ! "$@" </dev/null >>"$logf" 2>&1; then
		log "command failed: $* (log: $logf)"
		tail -n 40 "$logf" >&2 || true
		return 1
	fi
}

# write_if_changed FILE [MODE]: replace FILE with stdin when the content differs;
# returns 0 when it changed, 1 when it was already up to date.
write_if_changed() {
	local file=$1 mode=${2:-644} tmp
	tmp=$(mktemp "$file.XXXXXX")
	chmod "$mode" "$tmp"
	cat >"$tmp"
	if [[ -f $file ]] && cmp -s "$tmp" "$file"; then
		rm -f "$tmp"
		return 1
	fi
	mv -f "$tmp" "$file"
	return 0
}

# Single-quote a value for sh.
shquote() {
	local v=${1//\'/\'\\\'\'}
	printf "'%s'" "$v"
}

# daemon_pid NAME EXE [ARG]: print the PID from $RUN_DIR/NAME.pid if that process
# is alive, runs EXE and (when given) has ARG on its command line (every node
# process has the same EXE); fail otherwise.
daemon_pid() {
	local name=$1 exe=$2 arg=${3:-} f="$RUN_DIR/$1.pid" pid
	[[ -s $f ]] || return 1
	pid=$(<"$f")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	pid_running "$pid" || return 1
	[[ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" == "$(readlink -f "$exe")" ]] || return 1
	if [[ -n $arg ]]; then
		tr "\0" "\n" <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$arg" || return 1
	fi
	printf '%s\n' "$pid"
}

# pid_running PID: the process exists and is not a zombie (PID 1 of a
# sandbox may reap orphans late).
pid_running() {
	kill -0 "$1" 2>/dev/null || return 1
	local st
	st=$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
	[[ $st != Z && $st != X ]]
}

# start_daemon NAME EXE ARGS...: start EXE detached (own session, no stdin,
# output to $LOG_DIR/NAME.log, working directory $DAEMON_CWD or /) and record
# its PID.
start_daemon() {
	local name=$1 exe=$2
	shift 2
	local logf="$LOG_DIR/$name.log"
	printf '\n=== %s: starting %s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$exe" "$*" >>"$logf"
	(
		cd "${DAEMON_CWD:-/}"
		exec 9>&- # never hand the `up`/`down` lock to a daemon
		exec setsid "$exe" "$@" </dev/null >>"$logf" 2>&1
	) &
	local pid=$!
	echo "$pid" >"$RUN_DIR/$name.pid"
	log "$name: started (pid $pid, log $logf)"
}

# stop_daemon NAME EXE [ARG]: TERM the recorded PID, wait for it to exit (KILL
# after a timeout), remove the PID file.
stop_daemon() {
	local name=$1 exe=$2 arg=${3:-} pid i
	if pid=$(daemon_pid "$name" "$exe" "$arg"); then
		log "$name: stopping pid $pid"
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 300; i++)); do
			pid_running "$pid" || break
			sleep 0.1
		done
		if pid_running "$pid"; then
			log "$name: still running after 30s, sending KILL"
			kill -KILL "$pid" 2>/dev/null || true
			for ((i = 0; i < 100; i++)); do
				pid_running "$pid" || break
				sleep 0.1
			done
		fi
	else
		log "$name: not running"
	fi
	rm -f "$RUN_DIR/$name.pid"
}

# wait_for DESC SECONDS CMD...: poll CMD until it succeeds.
wait_for() {
	local desc=$1 secs=$2 i
	shift 2
	for ((i = 0; i < secs * 2; i++)); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.5
	done
	log "timed out after ${secs}s waiting for $desc"
	return 1
}

http_code() {
	curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true
}

# ensure_daemon NAME EXE CHANGED CHECK TIMEOUT ARGS...: leave a healthy daemon
# running, restart it when its configuration CHANGED, start it otherwise; wait
# until CHECK passes. $DAEMON_ARG (when set) tells apart daemons of one EXE.
ensure_daemon() {
	local name=$1 exe=$2 changed=$3 check=$4 timeout=$5 arg=${DAEMON_ARG:-}
	shift 5
	# Started from another checkout (its ARG is another path): it holds the port, so it goes first.
	if [[ -n $arg ]] && ! daemon_pid "$name" "$exe" "$arg" >/dev/null && daemon_pid "$name" "$exe" >/dev/null; then
		log "$name: running from another checkout or with other arguments, restarting"
		stop_daemon "$name" "$exe"
	fi
	if daemon_pid "$name" "$exe" "$arg" >/dev/null; then
		if ((changed)); then
			log "$name: configuration changed, restarting"
			stop_daemon "$name" "$exe" "$arg"
		elif "$check"; then
			log "$name: running (pid $(daemon_pid "$name" "$exe" "$arg"))"
			return 0
		else
			log "$name: running but unhealthy, waiting"
			if wait_for "$name" "$timeout" "$check"; then
				return 0
			fi
			stop_daemon "$name" "$exe" "$arg"
		fi
	fi
	start_daemon "$name" "$exe" "$@"
	if ! wait_for "$name" "$timeout" "$check"; then
		tail -n 40 "$LOG_DIR/$name.log" >&2 || true
		die "$name did not become healthy"
	fi
	# A stray copy still holding the address answers the health check while the new one exits (EADDRINUSE).
	sleep 1
	if ! daemon_pid "$name" "$exe" "$arg" >/dev/null; then
		tail -n 20 "$LOG_DIR/$name.log" >&2 || true
		die "$name exited right after starting, while something else answers on its address (a copy started outside this test bed's PID file?). Stop that process and run up again"
	fi
	log "$name: healthy"
}
