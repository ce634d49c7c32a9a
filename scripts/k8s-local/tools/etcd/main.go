// Command etcd runs the etcd server from its Go module.
//
// `go install go.etcd.io/etcd/server/v3@v3.6.16` fails on the module's
// replace directives, so this wrapper pins the version in go.mod and calls
// the same entry point the upstream etcd binary uses.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
