package codegen.runtime

/**
 * A value of the test plan (plan.json, described in codegen's
 * docs/targets.md) with where it is, read as the typed API's values (64-bit
 * integers and floating-point numbers come as text).
 */
internal class PlanNode(val value: Any?, val where: String) {
    private fun wrong(wanted: String): IllegalArgumentException =
        IllegalArgumentException("$where: expected $wanted, got $value")

    private fun members(): Map<*, *> = value as? Map<*, *> ?: throw wrong("an object")

    /** The member `name`, or null when the case leaves it out. */
    fun opt(name: String): PlanNode? {
        val members = members()
        return if (members.containsKey(name)) PlanNode(members[name], "$where.$name") else null
    }

    /** The member `name`, which the case must hold. */
    fun req(name: String): PlanNode = opt(name) ?: throw IllegalArgumentException("$where: no value for $name")

    fun <T> read(builder: (PlanNode) -> T): T = builder(this)

    fun <T> list(item: (PlanNode) -> T): List<T> {
        val items = value as? List<*> ?: throw wrong("a list")
        return items.mapIndexed { i, element -> item(PlanNode(element, "$where[$i]")) }
    }

    fun <T> map(item: (PlanNode) -> T): Map<String, T> {
        val out = LinkedHashMap<String, T>()
        for ((key, element) in members()) out[key as String] = item(PlanNode(element, "$where[$key]"))
        return out
    }

    fun string(): String = value as? String ?: throw wrong("a string")

    fun bool(): Boolean = value as? Boolean ?: throw wrong("a boolean")

    private fun whole(): Long {
        val number = value as? Double ?: throw wrong("a number")
        val whole = number.toLong()
        if (whole.toDouble() != number) throw wrong("a whole number")
        return whole
    }

    fun int32(): Int = whole().toInt()

    fun uint32(): UInt = whole().toUInt()

    fun int64(): Long = string().toLong()

    fun uint64(): ULong = string().toULong()

    fun float(): Float = string().toFloat()

    fun double(): Double = string().toDouble()

    fun bytes(): Bytes {
        val text = string()
        return Bytes(ByteArray(text.length / 2) { i -> text.substring(2 * i, 2 * i + 2).toInt(16).toByte() })
    }

    fun timestamp(): Timestamp {
        val parts = list { it.whole() }
        if (parts.size != 2) throw wrong("[seconds, nanos]")
        return Timestamp(parts[0], parts[1].toInt())
    }

    fun <E> member(lookup: (String) -> E?): E = lookup(string()) ?: throw wrong("a value of the enum")
}
