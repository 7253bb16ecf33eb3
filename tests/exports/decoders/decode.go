// Decodes envelopes with the Go code protoc-gen-go generated from the
// exported .proto: decode INPUT ENVELOPE_TYPE. INPUT holds one envelope a
// line (hex); prints "<event field>\t<unknown fields>\t<bytes re-encoded, hex>".
package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "GENERATED_IMPORT_PATH"
)

// unknown counts unknown fields anywhere: a field the generated code does
// not know lands there.
func unknown(m protoreflect.Message) int {
	count := 0
	if len(m.GetUnknown()) > 0 {
		count++
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap():
			if fd.MapValue().Kind() == protoreflect.MessageKind {
				v.Map().Range(func(_ protoreflect.MapKey, item protoreflect.Value) bool {
					count += unknown(item.Message())
					return true
				})
			}
		case fd.IsList():
			if fd.Kind() == protoreflect.MessageKind {
				for i := 0; i < v.List().Len(); i++ {
					count += unknown(v.List().Get(i).Message())
				}
			}
		case fd.Kind() == protoreflect.MessageKind:
			count += unknown(v.Message())
		}
		return true
	})
	return count
}

func main() {
	kind, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(os.Args[2]))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	file, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	scanner := bufio.NewScanner(file)
	scanner.Buffer(make([]byte, 1<<20), 1<<26)
	for scanner.Scan() {
		raw, err := hex.DecodeString(scanner.Text())
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		envelope := kind.New().Interface()
		if err := proto.Unmarshal(raw, envelope); err != nil {
			fmt.Fprintln(os.Stderr, "cannot parse:", err)
			os.Exit(1)
		}
		m := envelope.ProtoReflect()
		name := "-"
		if fd := m.WhichOneof(m.Descriptor().Oneofs().ByName("event")); fd != nil {
			name = string(fd.Name())
		}
		out, err := proto.MarshalOptions{Deterministic: true}.Marshal(envelope)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("%s\t%d\t%s\n", name, unknown(m), hex.EncodeToString(out))
	}
}
