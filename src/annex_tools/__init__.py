"""annex-tools: 基层党组织书记抓党建述职评议考核, run from one master workbook."""

__version__ = "0.1.0"
