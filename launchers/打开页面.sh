#!/bin/sh
# 述职评议工具的本机页面（annex-tools serve）：把本文件复制到主表所在文件夹，双击运行
# （麒麟、统信 UOS 的文件管理器会问“运行还是显示”，选“运行”；或在终端中 sh 打开页面.sh）。
# 浏览器打开页面；关闭终端窗口即停止。annex-tools 按顺序从 PATH、本文件夹的 .venv、
# ~/.local/bin 中寻找。
here=$(cd "$(dirname "$0")" && pwd)
for candidate in "$(command -v annex-tools 2>/dev/null)" "$here/.venv/bin/annex-tools" "$HOME/.local/bin/annex-tools"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    # shellcheck disable=SC2086
    exec "$candidate" serve "$here" ${ANNEX_SERVE_OPTIONS:-}
  fi
done
echo "没有找到 annex-tools：请先安装（见 README“在哪台电脑上用哪种方式”）。" >&2
exit 2
