# Sourced by the scripts: where tools are cached and the PATH that finds them.
PLAYGROUND_CACHE="${PLAYGROUND_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/k8s-etcd-playground}"
export PLAYGROUND_CACHE
export PATH="$HOME/.cargo/bin:$PLAYGROUND_CACHE/binaryen/node_modules/.bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
