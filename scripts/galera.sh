#!/usr/bin/env bash
# A 3-node MariaDB Galera cluster on this machine, for the lock tests: three mariadbd processes of
# the installed MariaDB with the galera-4 provider, each with its own data folder and ports,
# running as the `mysql` user (as root, rsync SST would run as `nobody` and fail).
#
#   scripts/galera.sh start DIR    # prints the three SQL ports, one per line, once the cluster has 3 nodes
#   scripts/galera.sh stop DIR     # kills the nodes and removes DIR
#
# Needs the Debian packages galera-4 and rsync (installed when missing and running as root).
set -euo pipefail
cmd="${1:?start|stop}"
dir="${2:?a folder for the cluster}"
provider=/usr/lib/galera/libgalera_smm.so

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
as_mysql() { if [ "$(id -u)" = 0 ]; then runuser -u mysql -- "$@"; else "$@"; fi; }

case "$cmd" in
start)
  # Any other failure says where, with the end of the nodes' logs.
  trap 'echo "galera.sh: failed at line $LINENO" >&2; tail -n 15 "$dir"/node*/install.log "$dir"/node*/error.log >&2 2>/dev/null || true' ERR
  if [ ! -f "$provider" ] || ! command -v rsync >/dev/null; then
    [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq galera-4 rsync >/dev/null
  fi
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown mysql "$dir"
  gports=(); sqlports=()
  for i in 1 2 3; do gports+=("$(free_port)"); sqlports+=("$(free_port)"); done
  peers="gcomm://127.0.0.1:${gports[0]},127.0.0.1:${gports[1]},127.0.0.1:${gports[2]}"
  for i in 0 1 2; do
    n=$((i + 1)); node="$dir/node$n"
    mkdir -p "$node"
    [ "$(id -u)" = 0 ] && chown mysql "$node"
    cat > "$node/my.cnf" <<CNF
[mariadbd]
datadir=$node/data
socket=$node/mysqld.sock
pid-file=$node/mysqld.pid
log-error=$node/error.log
bind-address=127.0.0.1
port=${sqlports[$i]}
skip-name-resolve
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
innodb_buffer_pool_size=32M
innodb_log_file_size=16M
wsrep_on=ON
wsrep_provider=$provider
wsrep_cluster_name=cargo_migrate_test
wsrep_cluster_address=$peers
wsrep_node_address=127.0.0.1:${gports[$i]}
wsrep_node_name=node$n
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:${gports[$i]};ist.recv_addr=127.0.0.1:$(free_port)"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$(free_port)
CNF
    [ "$(id -u)" = 0 ] && chown mysql "$node/my.cnf"
    as_mysql mariadb-install-db --defaults-file="$node/my.cnf" --auth-root-authentication-method=normal --skip-test-db >"$node/install.log" 2>&1
  done
  # The first node founds the cluster; the others join it.
  as_mysql /usr/sbin/mariadbd --defaults-file="$dir/node1/my.cnf" --wsrep-new-cluster >/dev/null 2>&1 &
  for _ in $(seq 1 60); do mariadb -h 127.0.0.1 -P "${sqlports[0]}" -u root -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.5; done
  for n in 2 3; do
    as_mysql /usr/sbin/mariadbd --defaults-file="$dir/node$n/my.cnf" >/dev/null 2>&1 &
  done
  for _ in $(seq 1 120); do
    # A node still starting refuses the query: that is "not yet", not a failure of the script
    # (with pipefail and set -e it used to end the script silently under load).
    size=$(mariadb -h 127.0.0.1 -P "${sqlports[0]}" -u root -N -e "SHOW STATUS LIKE 'wsrep_cluster_size'" 2>/dev/null | awk '{print $2}') || size=0
    ready=0
    for p in "${sqlports[@]}"; do mariadb -h 127.0.0.1 -P "$p" -u root -e 'SELECT 1' >/dev/null 2>&1 && ready=$((ready + 1)); done
    [ "${size:-0}" = 3 ] && [ "$ready" = 3 ] && break
    sleep 0.5
  done
  if [ "${size:-0}" != 3 ] || [ "$ready" != 3 ]; then
    echo "the cluster did not reach 3 nodes (size ${size:-0}, ${ready} answering); logs in $dir/node*/error.log" >&2
    exit 1
  fi
  for p in "${sqlports[@]}"; do echo "$p"; done
  ;;
stop)
  for n in 1 2 3; do
    pid_file="$dir/node$n/mysqld.pid"
    [ -f "$pid_file" ] && kill -9 "$(cat "$pid_file")" 2>/dev/null || true
  done
  pkill -9 -f "$dir/node[123]/my.cnf" 2>/dev/null || true
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
