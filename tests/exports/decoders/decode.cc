// Decodes envelopes with the C++ code protoc generated from the exported
// .proto: decode INPUT ENVELOPE_TYPE. INPUT holds one envelope a line (hex);
// prints "<event field>\t<unknown fields>\t<bytes re-encoded, hex>" a line.
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>
#include <google/protobuf/unknown_field_set.h>

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Unknown fields anywhere in the message: a field the generated code does
// not know (wrong number or wire type) lands there instead of failing.
static int Unknown(const Message& message) {
  const Reflection* reflection = message.GetReflection();
  int count = reflection->GetUnknownFields(message).field_count();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i)
        count += Unknown(reflection->GetRepeatedMessage(message, field, i));
    } else {
      count += Unknown(reflection->GetMessage(message, field));
    }
  }
  return count;
}

static std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

static std::string ToHex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: decode INPUT ENVELOPE_TYPE\n";
    return 2;
  }
  const auto* descriptor = google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(argv[2]);
  if (descriptor == nullptr) {
    std::cerr << "the generated code has no message " << argv[2] << "\n";
    return 2;
  }
  const Message* prototype = google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor);
  std::ifstream input(argv[1]);
  std::string line;
  while (std::getline(input, line)) {
    std::unique_ptr<Message> envelope(prototype->New());
    if (!envelope->ParseFromString(FromHex(line))) {
      std::cerr << "cannot parse: " << line << "\n";
      return 1;
    }
    const auto* event = envelope->GetReflection()->GetOneofFieldDescriptor(*envelope, descriptor->FindOneofByName("event"));
    std::string bytes;
    {
      google::protobuf::io::StringOutputStream stream(&bytes);
      google::protobuf::io::CodedOutputStream coded(&stream);
      coded.SetSerializationDeterministic(true);
      envelope->SerializeToCodedStream(&coded);
    }
    std::cout << (event ? event->name() : "-") << "\t" << Unknown(*envelope) << "\t" << ToHex(bytes) << "\n";
  }
  return 0;
}
