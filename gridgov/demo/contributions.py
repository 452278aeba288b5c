"""What the demo app adds: the built-in demo logins (one per built-in role)."""

from gridgov.core.manifest import Contributions, DemoAccount

AUDIT_LABELS = {"demo.generate": "生成演示数据"}

CONTRIBUTIONS = Contributions(
    app="demo",
    audit_labels="gridgov.demo.contributions.AUDIT_LABELS",
    demo_accounts=(
        DemoAccount("admin", "区级管理员", "district_admin", "district", order=10),
        DemoAccount("street01", "丹阳街道干部", "street_staff", "street", order=20),
        DemoAccount("community01", "社区工作人员", "community_staff", "community", order=30),
        DemoAccount("gw001", "李明", "grid_worker", "grid", order=40),
        DemoAccount("party01", "党建专干", "party_staff", "district", order=50),
        DemoAccount("cgj01", "城管局处置员", "department_handler", "district", "cgj", order=60),
        DemoAccount("zjj01", "住建局处置员", "department_handler", "district", "zjj", order=70),
        DemoAccount("leader", "区领导", "leader", "district", order=80),
        DemoAccount("resident01", "居民张三", "resident", "grid", order=90),
    ),
)
