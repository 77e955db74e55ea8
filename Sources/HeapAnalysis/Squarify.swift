/// A rectangle in a drawing's coordinates (y grows downwards).
public struct LayoutRect: Sendable, Hashable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Area.
    public var area: Double { width * height }

    /// The rectangle shrunk by `side` on the left, right and bottom and by `top` at the top, or itself if too small for that.
    public func inset(side: Double, top: Double) -> LayoutRect {
        guard width > 4 * side, height > top + 2 * side + 4 else { return self }
        return LayoutRect(x: x + side, y: y + top, width: width - 2 * side, height: height - top - side)
    }
}

/// The squarified treemap layout (Bruls, Huizing and van Wijk, 2000): fills a
/// rectangle with one rectangle per value, each with an area proportional to
/// its value, laid in rows along the shorter side while that keeps the
/// worst aspect ratio of the row from getting worse.
public enum Squarify {
    /// Rectangles for `values` (largest first for good shapes; any order
    /// works), in the same order. Zero or negative values get empty rectangles.
    public static func layout(_ values: [Double], in rect: LayoutRect) -> [LayoutRect] {
        var result = [LayoutRect](repeating: LayoutRect(x: rect.x, y: rect.y, width: 0, height: 0), count: values.count)
        let total = values.reduce(0) { $0 + max($1, 0) }
        guard total > 0, rect.area > 0 else { return result }
        let scale = rect.area / total
        let areas = values.map { max($0, 0) * scale }
        var free = rect
        var i = 0
        while i < areas.count {
            let side = min(free.width, free.height)
            var end = i + 1
            var rowSum = areas[i]
            while end < areas.count, areas[end] > 0,
                  worst(sum: rowSum + areas[end], largest: areas[i], smallest: areas[end], side: side)
                    <= worst(sum: rowSum, largest: areas[i], smallest: areas[end - 1], side: side) {
                rowSum += areas[end]
                end += 1
            }
            guard rowSum > 0 else { break }
            if free.width >= free.height {
                // A column along the left edge.
                let columnWidth = rowSum / free.height
                var y = free.y
                for k in i..<end {
                    let height = areas[k] / columnWidth
                    result[k] = LayoutRect(x: free.x, y: y, width: columnWidth, height: height)
                    y += height
                }
                free.x += columnWidth
                free.width = max(free.width - columnWidth, 0)
            } else {
                // A row along the top edge.
                let rowHeight = rowSum / free.width
                var x = free.x
                for k in i..<end {
                    let width = areas[k] / rowHeight
                    result[k] = LayoutRect(x: x, y: free.y, width: width, height: rowHeight)
                    x += width
                }
                free.y += rowHeight
                free.height = max(free.height - rowHeight, 0)
            }
            i = end
        }
        return result
    }

    /// The worst aspect ratio in a row of areas summing to `sum` laid along `side`.
    private static func worst(sum: Double, largest: Double, smallest: Double, side: Double) -> Double {
        let s2 = side * side, sum2 = sum * sum
        return max(s2 * largest / sum2, sum2 / (s2 * smallest))
    }
}
