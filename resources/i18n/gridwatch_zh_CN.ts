<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AccountDesk</name>
    <message>
        <source>Change my &amp;password…</source>
        <translation>修改我的密码(&amp;P)…</translation>
    </message>
    <message>
        <source>Set a new password for your own user</source>
        <translation>为您自己的用户设置新密码</translation>
    </message>
    <message>
        <source>The demo&apos;s one-click login has no password; an administrator sets one in Administration › Users, keys and phones</source>
        <translation>演示的一键登录没有密码；请管理员在“管理 › 用户、密钥和手机”中设置</translation>
    </message>
</context>
<context>
    <name>Action</name>
    <message>
        <source>Reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>受理</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始处置</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>处置完成</translation>
    </message>
    <message>
        <source>Verified and closed</source>
        <translation>核查结案</translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation>重新启动</translation>
    </message>
    <message>
        <source>Overdue reminder</source>
        <translation>超时提醒</translation>
    </message>
    <message>
        <source>Supervision order</source>
        <translation>督办单</translation>
    </message>
    <message>
        <source>Alarm acknowledged</source>
        <translation>警报已确认</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>ActionDialogs</name>
    <message>
        <source>Resolve incident</source>
        <translation>处置完成</translation>
    </message>
    <message>
        <source>The handler&apos;s feedback (required):</source>
        <translation>处置反馈（必填）：</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>提交反馈</translation>
    </message>
    <message>
        <source>Reopen incident</source>
        <translation>重新启动事件</translation>
    </message>
    <message>
        <source>Why is it reopened? (required)</source>
        <translation>重新启动的原因（必填）</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>重新启动</translation>
    </message>
</context>
<context>
    <name>AdminDesk</name>
    <message>
        <source>&amp;Users, keys and phones…</source>
        <translation>用户、密钥和手机(&amp;U)…</translation>
    </message>
    <message>
        <source>Users, Open311 API keys, worker phones and their keys</source>
        <translation>用户、Open311 API 密钥、网格员手机及其密钥</translation>
    </message>
    <message>
        <source>Only an administrator may manage users, keys and phones</source>
        <translation>只有管理员可以管理用户、密钥和手机</translation>
    </message>
    <message>
        <source>User %1 added.</source>
        <translation>已添加用户 %1。</translation>
    </message>
    <message>
        <source>Role of %1 changed.</source>
        <translation>已更改 %1 的角色。</translation>
    </message>
    <message>
        <source>%1 disabled: they can no longer log in.</source>
        <translation>已停用 %1：该用户不能再登录。</translation>
    </message>
    <message>
        <source>%1 enabled.</source>
        <translation>已启用 %1。</translation>
    </message>
    <message>
        <source>%1 unlocked.</source>
        <translation>已解锁 %1。</translation>
    </message>
    <message>
        <source>New password set for %1.</source>
        <translation>已为 %1 设置新密码。</translation>
    </message>
    <message>
        <source>Key %1 issued.</source>
        <translation>已签发密钥 %1。</translation>
    </message>
    <message>
        <source>Key %1 revoked: it no longer works.</source>
        <translation>已吊销密钥 %1：该密钥不再有效。</translation>
    </message>
    <message>
        <source>Phone %1 registered.</source>
        <translation>已登记手机 %1。</translation>
    </message>
    <message>
        <source>Phone %1 unregistered.</source>
        <translation>已注销手机 %1。</translation>
    </message>
    <message>
        <source>Not done: %1</source>
        <translation>未完成：%1</translation>
    </message>
</context>
<context>
    <name>AdminDialogs</name>
    <message>
        <source>administrator</source>
        <extracomment>The roles a user may be given, by stored name, in the order offered. The kinds of key, in the order offered.</extracomment>
        <translation>管理员</translation>
    </message>
    <message>
        <source>duty officer</source>
        <translation>值班长</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>调度员</translation>
    </message>
    <message>
        <source>worker phone</source>
        <translation>网格员手机</translation>
    </message>
    <message>
        <source>Open311 client</source>
        <translation>Open311 客户端</translation>
    </message>
    <message>
        <source>The password must have at least %1 characters.</source>
        <translation>密码至少需要 %1 个字符。</translation>
    </message>
    <message>
        <source>The passwords do not match.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>AdminKeysView</name>
    <message>
        <source>Issue…</source>
        <translation>签发…</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>吊销…</translation>
    </message>
    <message>
        <source>Revoke key</source>
        <translation>吊销密钥</translation>
    </message>
    <message>
        <source>Revoke the key %1? Its client is refused from now on; this cannot be undone.</source>
        <translation>吊销密钥 %1？此后其客户端将被拒绝访问；此操作无法撤销。</translation>
    </message>
</context>
<context>
    <name>AdminPhonesView</name>
    <message>
        <source>Register…</source>
        <translation>登记…</translation>
    </message>
    <message>
        <source>Unregister…</source>
        <translation>注销…</translation>
    </message>
    <message>
        <source>Unregister phone</source>
        <translation>注销手机</translation>
    </message>
    <message>
        <source>Unregister the phone %1 of %2? Its positions are deleted with it and it is refused from now on.</source>
        <translation>注销 %2 的手机 %1？其位置记录将一并删除，此后该手机的上报将被拒绝。</translation>
    </message>
</context>
<context>
    <name>AdminUsersView</name>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Change role…</source>
        <translation>更改角色…</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>重置密码…</translation>
    </message>
    <message>
        <source>Disable user</source>
        <translation>停用用户</translation>
    </message>
    <message>
        <source>Disable %1? They can no longer log in; their records stay.</source>
        <translation>停用 %1？该用户将不能再登录，其记录仍予保留。</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>启用</translation>
    </message>
</context>
<context>
    <name>AdminWindow</name>
    <message>
        <source>Gridwatch — administration</source>
        <translation>网格守望 — 系统管理</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>密钥</translation>
    </message>
    <message>
        <source>Phones</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <source>Assign incident</source>
        <translation>派遣事件</translation>
    </message>
    <message>
        <source>Filter workers and departments…</source>
        <translation>筛选网格员和部门…</translation>
    </message>
    <message>
        <source>Loading candidates…</source>
        <translation>正在加载候选人…</translation>
    </message>
    <message>
        <source>Instructions for the assignees (optional)</source>
        <translation>给承办人的处置要求（可选）</translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Grid worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Departments</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <source>This grid</source>
        <translation>本网格</translation>
    </message>
    <message>
        <source>Same village</source>
        <translation>同村（社区）</translation>
    </message>
    <message>
        <source>Other workers</source>
        <translation>其他网格员</translation>
    </message>
    <message>
        <source>(off duty)</source>
        <translation>（不在岗）</translation>
    </message>
    <message>
        <source>usual handler</source>
        <translation>常规承办</translation>
    </message>
    <message>
        <source>Cannot load candidates: %1</source>
        <translation>无法加载候选人：%1</translation>
    </message>
    <message>
        <source>%1 departments: a joint meeting</source>
        <translation>%1 个部门：联席会议</translation>
    </message>
    <message>
        <source>Choose a grid worker, one department, or several for a joint meeting</source>
        <translation>请选择一名网格员、一个部门，或多个部门召开联席会议</translation>
    </message>
</context>
<context>
    <name>AuditNote</name>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>to %1</source>
        <translation>派给 %1</translation>
    </message>
    <message>
        <source>joint meeting: %1</source>
        <translation>联席会议：%1</translation>
    </message>
    <message>
        <source>duplicate of %1</source>
        <translation>重复事件 %1</translation>
    </message>
    <message>
        <source>deadline %1 passed</source>
        <translation>已超过办结时限 %1</translation>
    </message>
    <message>
        <source>duplicate report %1 merged (reported by %2)</source>
        <translation>已合并重复上报 %1（上报人：%2）</translation>
    </message>
    <message>
        <source>duplicate report %1 merged</source>
        <translation>已合并重复上报 %1</translation>
    </message>
    <message>
        <source>supervision order %1 to %2</source>
        <translation>督办单 %1 发往 %2</translation>
    </message>
</context>
<context>
    <name>BaseMapDialog</name>
    <message>
        <source>Base map</source>
        <translation>底图</translation>
    </message>
    <message>
        <source>a tile folder, an .mbtiles file or http://host/tiles/{z}/{x}/{y}.png</source>
        <translation>瓦片目录、.mbtiles 文件或 http://主机/tiles/{z}/{x}/{y}.png</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>目录…</translation>
    </message>
    <message>
        <source>MBTiles file…</source>
        <translation>MBTiles 文件…</translation>
    </message>
    <message>
        <source>The tiles are drawn in GCJ-02 (Chinese base maps)</source>
        <translation>瓦片为 GCJ-02 坐标（国内底图）</translation>
    </message>
    <message>
        <source>Tiles</source>
        <translation>瓦片</translation>
    </message>
    <message>
        <source>Strength</source>
        <translation>浓度</translation>
    </message>
    <message>
        <source>Zoom levels (URL)</source>
        <translation>缩放级别（URL）</translation>
    </message>
    <message>
        <source>Leave the tiles empty for no base map. Tiles are fetched in the background and kept in a cache on this computer.</source>
        <translation>瓦片留空则不显示底图。瓦片在后台获取，并缓存在本机。</translation>
    </message>
    <message>
        <source>Tile folder ({z}/{x}/{y}.png)</source>
        <translation>瓦片目录（{z}/{x}/{y}.png）</translation>
    </message>
    <message>
        <source>MBTiles file</source>
        <translation>MBTiles 文件</translation>
    </message>
    <message>
        <source>MBTiles (*.mbtiles)</source>
        <translation>MBTiles (*.mbtiles)</translation>
    </message>
</context>
<context>
    <name>BaseMapLayer</name>
    <message>
        <source>Base map unavailable: %1</source>
        <translation>底图不可用：%1</translation>
    </message>
</context>
<context>
    <name>BigScreenView</name>
    <message>
        <source>Command room — live</source>
        <translation>指挥中心 — 实时</translation>
    </message>
    <message>
        <source>reported today</source>
        <translation>今日上报</translation>
    </message>
    <message>
        <source>open</source>
        <translation>未办结</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>已超期</translation>
    </message>
    <message>
        <source>one-key open</source>
        <translation>一键报警未办结</translation>
    </message>
    <message>
        <source>closure rate · city 99.6 %</source>
        <translation>办结率 · 全市 99.6 %</translation>
    </message>
    <message>
        <source>red villages</source>
        <translation>红灯村</translation>
    </message>
    <message>
        <source>Reported and handled per hour</source>
        <translation>每小时上报与处置</translation>
    </message>
    <message>
        <source>New per day, 30 days (line: the 30 before)</source>
        <translation>近 30 天每日新增（折线：前 30 天）</translation>
    </message>
    <message>
        <source>Latest one-key reports</source>
        <translation>最新一键报警</translation>
    </message>
    <message>
        <source>Most overdue</source>
        <translation>超期最久</translation>
    </message>
    <message>
        <source>None open</source>
        <translation>无未办结</translation>
    </message>
    <message>
        <source>Nothing overdue</source>
        <translation>无超期事件</translation>
    </message>
</context>
<context>
    <name>BigScreenWindow</name>
    <message>
        <source>Gridwatch — big screen</source>
        <translation>网格守望 — 大屏</translation>
    </message>
</context>
<context>
    <name>CameraEditor</name>
    <message>
        <source>Edit camera</source>
        <translation>编辑摄像头</translation>
    </message>
    <message>
        <source>Add camera</source>
        <translation>添加摄像头</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Stream URL</source>
        <translation>主码流地址</translation>
    </message>
    <message>
        <source>Sub-stream URL</source>
        <translation>子码流地址</translation>
    </message>
    <message>
        <source>ONVIF (PTZ) address</source>
        <translation>ONVIF（云台）地址</translation>
    </message>
    <message>
        <source>Longitude</source>
        <translation>经度</translation>
    </message>
    <message>
        <source>Latitude</source>
        <translation>纬度</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <source>A camera needs a name</source>
        <translation>摄像头需要名称</translation>
    </message>
</context>
<context>
    <name>CameraListPanel</name>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Add a camera</source>
        <translation>添加一个摄像头</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Edit the selected camera</source>
        <translation>编辑所选摄像头</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Remove the selected camera</source>
        <translation>删除所选摄像头</translation>
    </message>
    <message>
        <source>Import CSV…</source>
        <translation>导入 CSV…</translation>
    </message>
    <message>
        <source>Import cameras from a CSV file (name,url,sub_url,lon,lat,group,onvif_url)</source>
        <translation>从 CSV 文件导入摄像头（name,url,sub_url,lon,lat,group,onvif_url）</translation>
    </message>
    <message>
        <source>No group</source>
        <translation>未分组</translation>
    </message>
    <message>
        <source>%1 fps</source>
        <translation>%1 帧/秒</translation>
    </message>
    <message>
        <source>latency p95 %1 ms</source>
        <translation>延迟 p95 %1 毫秒</translation>
    </message>
    <message>
        <source>Remove camera</source>
        <translation>删除摄像头</translation>
    </message>
    <message>
        <source>Remove %1 from the console?</source>
        <translation>从控制台删除 %1？</translation>
    </message>
    <message>
        <source>Import cameras</source>
        <translation>导入摄像头</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>%1 cameras added.</source>
        <translation>已添加 %1 个摄像头。</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>摄像头</translation>
    </message>
</context>
<context>
    <name>CameraReportDialog</name>
    <message>
        <source>Report from camera</source>
        <extracomment>What an operator most often reports from a camera: illegal construction.</extracomment>
        <translation>从摄像头上报</translation>
    </message>
    <message>
        <source>Seen on camera %1</source>
        <translation>摄像头 %1 发现</translation>
    </message>
    <message>
        <source>What the operator saw</source>
        <translation>值班员看到的情况</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Sub-item</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>Report</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Report and &amp;dispatch</source>
        <translation>上报并派遣(&amp;D)</translation>
    </message>
    <message>
        <source>File the report, accept it and assign it to the one chosen (Ctrl+Enter)</source>
        <translation>上报、受理并派给所选对象（Ctrl+回车）</translation>
    </message>
    <message>
        <source>Send at once — nearest workers, then departments:</source>
        <translation>立即派遣 — 就近网格员，其次为部门：</translation>
    </message>
    <message>
        <source>1–9 choose who goes · Ctrl+Enter reports and dispatches · Esc cancels</source>
        <translation>1–9 选择派遣对象 · Ctrl+回车 上报并派遣 · Esc 取消</translation>
    </message>
</context>
<context>
    <name>CameraState</name>
    <message>
        <source>live</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <source>stalled</source>
        <translation>卡顿</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>paused (not shown)</source>
        <translation>已暂停（未显示）</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
</context>
<context>
    <name>ChangeAlertList</name>
    <message>
        <source>Detected</source>
        <translation>发现时间</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像机</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>监测区</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>No changes waiting for a decision.</source>
        <translation>没有待研判的变化。</translation>
    </message>
    <message>
        <source>Show decided</source>
        <translation>显示已处理</translation>
    </message>
    <message>
        <source>Why it is dismissed (optional)…</source>
        <translation>忽略原因（可选）…</translation>
    </message>
    <message>
        <source>Confirm as incident</source>
        <translation>确认并立案</translation>
    </message>
    <message>
        <source>Files an illegal-structure incident with both pictures (Ctrl+Return)</source>
        <translation>以违章搭建立案，附前后两张图片（Ctrl+回车）</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>忽略</translation>
    </message>
    <message>
        <source>Accepts the new scene as the zone&apos;s reference (Ctrl+D)</source>
        <translation>将当前画面作为该监测区的新基准（Ctrl+D）</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>变化前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>变化后</translation>
    </message>
    <message>
        <source>Another console runs the change detector; its findings appear here.</source>
        <translation>变化检测由另一台席位运行，其发现会显示在这里。</translation>
    </message>
    <message>
        <source>No watch zones: draw them on a camera (tile menu › Watch zones…).</source>
        <translation>尚无监测区：请在摄像机上绘制（画面右键菜单 › 监测区…）。</translation>
    </message>
    <message>
        <source>Watching %1 zone(s) on %2 camera(s), each camera every %3 s; CPU %4 % of one core (budget %5 %).</source>
        <translation>正在监测 %2 路摄像机上的 %1 个监测区，每路每 %3 秒一次；CPU 占单核 %4 %（预算 %5 %）。</translation>
    </message>
    <message>
        <source>%1 camera(s) give no picture.</source>
        <translation>%1 路摄像机无画面。</translation>
    </message>
    <message>
        <source>Confirmed by %1</source>
        <translation>已由%1确认</translation>
    </message>
    <message>
        <source>Dismissed by %1</source>
        <translation>已由%1忽略</translation>
    </message>
    <message>
        <source>Added to its incident</source>
        <translation>已并入其事件</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>待研判</translation>
    </message>
    <message>
        <source>%1 — %2: the change appeared %3 and was still there %4 (score %5).</source>
        <translation>%1 — %2：变化出现于 %3，至 %4 仍然存在（评分 %5）。</translation>
    </message>
</context>
<context>
    <name>ChangeRoom</name>
    <message>
        <source>%1: the change goes on; picture added to its incident</source>
        <extracomment>How often the lease to run the detector is renewed, and the zones and alerts re-read. The watch starts this long after the console: its first looks (each camera&apos;s scene or stream opened) would otherwise compete with the console&apos;s own start for the GUI&apos;s interpreter.</extracomment>
        <translation>%1：变化仍在继续，图片已附加到其事件</translation>
    </message>
    <message>
        <source>Suspected illegal structure: %1, %2</source>
        <translation>疑似违章搭建：%1，%2</translation>
    </message>
    <message>
        <source>Change confirmed: incident filed</source>
        <translation>变化已确认：已立案</translation>
    </message>
    <message>
        <source>Change dismissed: the new scene is the zone&apos;s reference</source>
        <translation>变化已忽略：当前画面成为该监测区的新基准</translation>
    </message>
    <message>
        <source>No picture from %1: %2</source>
        <translation>%1 无画面：%2</translation>
    </message>
    <message>
        <source>Fetching a picture from %1…</source>
        <translation>正在获取 %1 的画面…</translation>
    </message>
    <message>
        <source>Change detection: %1</source>
        <translation>变化检测：%1</translation>
    </message>
</context>
<context>
    <name>CommandPalette</name>
    <message>
        <source>Commands</source>
        <extracomment>The palette&apos;s shortcut.</extracomment>
        <translation>命令</translation>
    </message>
    <message>
        <source>Type a command…</source>
        <translation>输入命令…</translation>
    </message>
    <message>
        <source>No command matches</source>
        <translation>没有匹配的命令</translation>
    </message>
    <message>
        <source>Command palette…</source>
        <translation>命令面板…</translation>
    </message>
</context>
<context>
    <name>ConsoleSettings</name>
    <message>
        <source>The settings file %1 is damaged; the console uses default settings this time.</source>
        <extracomment>The start of what ``QWidget.saveGeometry`` writes, and its length for each format version. A restored window smaller than this (in either direction) came from a damaged geometry.</extracomment>
        <translation>设置文件 %1 已损坏；本次使用默认设置。</translation>
    </message>
    <message>
        <source>The settings file was damaged: default settings restored (the damaged file is kept as %1).</source>
        <translation>设置文件已损坏：已恢复默认设置（损坏的文件保留为 %1）。</translation>
    </message>
    <message>
        <source>Setting “%1” was damaged: its default restored (the settings file is kept as %2).</source>
        <translation>设置项“%1”已损坏：已恢复默认值（设置文件保留为 %2）。</translation>
    </message>
    <message>
        <source>Setting “%1” was damaged: its default restored.</source>
        <translation>设置项“%1”已损坏：已恢复默认值。</translation>
    </message>
    <message>
        <source>%1 settings were damaged: their defaults restored (%2).</source>
        <translation>%1 个设置项已损坏：已恢复默认值（%2）。</translation>
    </message>
    <message>
        <source>%1 settings were damaged: their defaults restored (%2); the settings file is kept as %3.</source>
        <translation>%1 个设置项已损坏：已恢复默认值（%2）；设置文件保留为 %3。</translation>
    </message>
</context>
<context>
    <name>DashboardRoom</name>
    <message>
        <source>The dashboard could not be read: %1</source>
        <extracomment>How often the figures are re-read when nothing is announced. A live change refreshes this soon (changes in a burst make one refresh).</extracomment>
        <translation>无法读取驾驶舱数据：%1</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <source>Loading the dashboard…</source>
        <translation>正在加载驾驶舱…</translation>
    </message>
    <message>
        <source>reported, %1 days</source>
        <translation>上报（%1 天）</translation>
    </message>
    <message>
        <source>open now</source>
        <translation>当前未办结</translation>
    </message>
    <message>
        <source>overdue now</source>
        <translation>当前超期</translation>
    </message>
    <message>
        <source>one-key open</source>
        <translation>一键报警未办结</translation>
    </message>
    <message>
        <source>closure rate (city 99.6 %)</source>
        <translation>办结率（全市 99.6 %）</translation>
    </message>
    <message>
        <source>Last 24 h: reported (bars), handled (line)</source>
        <translation>近 24 小时：上报（柱）、处置（线）</translation>
    </message>
    <message>
        <source>New per day: last 30 days (bars), the 30 before (line)</source>
        <translation>每日新增：近 30 天（柱）、前 30 天（线）</translation>
    </message>
    <message>
        <source>Sources, last 30 days</source>
        <translation>来源分布（近 30 天）</translation>
    </message>
    <message>
        <source>Categories, last 30 days</source>
        <translation>类别分布（近 30 天）</translation>
    </message>
    <message>
        <source>Average time to close per level (hours)</source>
        <translation>各难度等级平均办结时长（小时）</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Assessment</source>
        <translation>考核类别</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>受理</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Avg. to close</source>
        <translation>平均办结时长</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村（社区）</translation>
    </message>
    <message>
        <source>Reported (7 days)</source>
        <translation>上报（7 天）</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>未办结</translation>
    </message>
    <message>
        <source>Unresolved</source>
        <translation>未解决占比</translation>
    </message>
    <message>
        <source>Red light: %1 of this week&apos;s events unresolved</source>
        <translation>红灯：本周事件 %1 未解决</translation>
    </message>
    <message>
        <source>%1 closed of %2 reported (%3 rejected); the city&apos;s reference is 99.6 %</source>
        <translation>上报 %2 件，办结 %1 件（不予受理 %3 件）；全市参考值为 99.6 %</translation>
    </message>
    <message>
        <source>As of %1 · red villages: %2</source>
        <translation>截至 %1 · 红灯村：%2</translation>
    </message>
    <message>
        <source>%1:00 — reported %2, handled %3</source>
        <translation>%1:00 — 上报 %2，处置 %3</translation>
    </message>
    <message>
        <source>%1: %2 new (30 days earlier: %3)</source>
        <translation>%1：新增 %2（30 天前：%3）</translation>
    </message>
    <message>
        <source>%1: %2 on average, %3 closed</source>
        <translation>%1：平均 %2，办结 %3 件</translation>
    </message>
    <message>
        <source>last %1 days</source>
        <translation>近 %1 天</translation>
    </message>
    <message>
        <source>reported %1, %2:00–%3:00</source>
        <translation>%1 %2:00–%3:00 上报</translation>
    </message>
    <message>
        <source>reported on %1</source>
        <translation>%1 上报</translation>
    </message>
    <message>
        <source>%1, closed, %2</source>
        <translation>%1，已办结，%2</translation>
    </message>
    <message>
        <source>received, %1</source>
        <translation>已受理，%1</translation>
    </message>
    <message>
        <source>closed, %1</source>
        <translation>已办结，%1</translation>
    </message>
    <message>
        <source>open, last 7 days</source>
        <translation>未办结，近 7 天</translation>
    </message>
    <message>
        <source>last 7 days</source>
        <translation>近 7 天</translation>
    </message>
    <message>
        <source>reported, %1</source>
        <translation>上报，%1</translation>
    </message>
    <message>
        <source>one-key reports open now</source>
        <translation>当前未办结的一键报警</translation>
    </message>
</context>
<context>
    <name>DispatchCardView</name>
    <message>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Assign to the selected worker</source>
        <translation>派给选中的网格员</translation>
    </message>
    <message>
        <source>Press 1–%1 to assign to that worker.</source>
        <translation>按 1–%1 直接派给对应网格员。</translation>
    </message>
    <message>
        <source>Nearest available workers</source>
        <translation>最近的可派网格员</translation>
    </message>
    <message>
        <source>no worker with a position nearby</source>
        <translation>附近没有有位置的网格员</translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message>
        <source>%1d %2h</source>
        <translation>%1天%2小时</translation>
    </message>
    <message>
        <source>%1h %2m</source>
        <translation>%1小时%2分</translation>
    </message>
    <message>
        <source>%1m %2s</source>
        <translation>%1分%2秒</translation>
    </message>
    <message>
        <source>%1s</source>
        <translation>%1秒</translation>
    </message>
    <message>
        <source>overdue %1</source>
        <translation>已超时 %1</translation>
    </message>
</context>
<context>
    <name>Evidence</name>
    <message>
        <source>%1 has no picture to save</source>
        <translation>%1 没有可保存的画面</translation>
    </message>
    <message>
        <source>Save snapshots as .png or .jpg, not %1</source>
        <translation>截图请保存为 .png 或 .jpg，而不是 %1</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>无法保存 %1：%2</translation>
    </message>
    <message>
        <source>the disk is full</source>
        <extracomment>Errors that mean &quot;no room left&quot;: a full disk, or the user&apos;s quota used up.</extracomment>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <source>Could not encode the picture</source>
        <translation>无法编码图片</translation>
    </message>
</context>
<context>
    <name>FirstRun</name>
    <message>
        <source>Gridwatch</source>
        <extracomment>How long a thread may run Python before one waiting for the GIL (the GUI thread) gets it (Python&apos;s default: 5 ms). A background read that holds the GIL (the dashboard&apos;s numpy and row conversion, a queue page) made the GUI thread wait up to 5 ms at each of the several times it takes the GIL in an event-loop pass, 13-57 ms in all; at 1 ms the waits shrink about fourfold (bench/RESULTS.md section 8). It is process-wide, but it only matters while two threads want the GIL at once: the cost is one more hand-over per millisecond between them (some microseconds each), and threads that wait outside the GIL (capture threads decoding, the database stepping, sockets) are not affected.</extracomment>
        <translation>网格守望</translation>
    </message>
    <message>
        <source>Could not write the demo town: %1</source>
        <translation>无法生成演示镇数据：%1</translation>
    </message>
    <message>
        <source>Building the demo town (first start)…</source>
        <translation>正在生成演示镇数据（首次启动）…</translation>
    </message>
</context>
<context>
    <name>FollowUpDesk</name>
    <message>
        <source>Follow-up tasks: %1</source>
        <translation>跟进任务：%1</translation>
    </message>
</context>
<context>
    <name>FollowUpList</name>
    <message>
        <source>Due</source>
        <translation>到期</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>起始</translation>
    </message>
    <message>
        <source>No follow-up tasks.</source>
        <translation>暂无跟进任务。</translation>
    </message>
    <message>
        <source>What was done (e.g. called the village head)…</source>
        <translation>处理情况（如：已电话联系村负责人）…</translation>
    </message>
    <message>
        <source>Mark done</source>
        <translation>标记完成</translation>
    </message>
    <message>
        <source>Phone %1: still a red light</source>
        <translation>电话联系%1：仍为红灯</translation>
    </message>
    <message>
        <source>%1 is outside their grid</source>
        <translation>%1 离开本网格</translation>
    </message>
</context>
<context>
    <name>GridPatrolView</name>
    <message>
        <source>Distance walked</source>
        <translation>巡查里程</translation>
    </message>
    <message>
        <source>Time on patrol</source>
        <translation>巡查时长</translation>
    </message>
    <message>
        <source>Stops</source>
        <translation>停留</translation>
    </message>
    <message>
        <source>Outside own grid</source>
        <translation>离开本网格</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>里程</translation>
    </message>
    <message>
        <source>On patrol</source>
        <translation>巡查</translation>
    </message>
    <message>
        <source>Outside</source>
        <translation>离开网格</translation>
    </message>
</context>
<context>
    <name>IncidentActions</name>
    <message>
        <source>&amp;Accept</source>
        <extracomment>The incident was changed by one of these actions. An action on the incident was refused or failed; the message was shown to the operator.</extracomment>
        <translation>受理(&amp;A)</translation>
    </message>
    <message>
        <source>Accept the report into the workflow</source>
        <translation>受理上报，进入处置流程</translation>
    </message>
    <message>
        <source>Re&amp;ject…</source>
        <translation>退回(&amp;J)…</translation>
    </message>
    <message>
        <source>Reject the report as invalid or a duplicate</source>
        <translation>以无效或重复为由退回上报</translation>
    </message>
    <message>
        <source>A&amp;ssign…</source>
        <translation>派遣(&amp;S)…</translation>
    </message>
    <message>
        <source>Dispatch to a grid worker or departments (several: joint meeting)</source>
        <translation>派遣给网格员或部门（多个部门：联席会议）</translation>
    </message>
    <message>
        <source>S&amp;tart handling</source>
        <translation>开始处置(&amp;T)</translation>
    </message>
    <message>
        <source>The assignee has started handling</source>
        <translation>承办人已开始处置</translation>
    </message>
    <message>
        <source>&amp;Resolve…</source>
        <translation>处置完成(&amp;R)…</translation>
    </message>
    <message>
        <source>Record the handler&apos;s feedback</source>
        <translation>登记承办人的处置反馈</translation>
    </message>
    <message>
        <source>&amp;Verify and close</source>
        <translation>核查结案(&amp;V)</translation>
    </message>
    <message>
        <source>Verify the resolution and close the loop</source>
        <translation>核查处置结果并闭环结案</translation>
    </message>
    <message>
        <source>Re&amp;open…</source>
        <translation>重新启动(&amp;O)…</translation>
    </message>
    <message>
        <source>Reopen a finished incident</source>
        <translation>重新启动已办结的事件</translation>
    </message>
    <message>
        <source>Ac&amp;knowledge alarm</source>
        <translation>确认警报(&amp;K)</translation>
    </message>
    <message>
        <source>Silence the one-key alarm (the incident stays first)</source>
        <translation>确认一键报警（事件仍置顶）</translation>
    </message>
    <message>
        <source>Changed by someone else</source>
        <translation>已被他人修改</translation>
    </message>
    <message>
        <source>Action refused</source>
        <translation>操作被拒绝</translation>
    </message>
    <message>
        <source>Action failed</source>
        <translation>操作失败</translation>
    </message>
    <message>
        <source>The database did not accept the change: %1</source>
        <translation>数据库未能保存修改：%1</translation>
    </message>
</context>
<context>
    <name>IncidentDetailPane</name>
    <message>
        <source>the stored photo is not a picture</source>
        <translation>存储的照片不是图片</translation>
    </message>
    <message>
        <source>Select an incident to see its details.</source>
        <extracomment>The incident&apos;s data is shown (GUI thread). The incident could not be read; the message is shown in the pane (GUI thread). A photo is shown full size in :attr:`photo_dialog` (GUI thread).</extracomment>
        <translation>选择一条事件查看详情。</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Level:</source>
        <translation>难度等级：</translation>
    </message>
    <message>
        <source>Category:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <source>Reporter:</source>
        <translation>上报人：</translation>
    </message>
    <message>
        <source>Location:</source>
        <translation>位置：</translation>
    </message>
    <message>
        <source>Coordinates:</source>
        <translation>坐标：</translation>
    </message>
    <message>
        <source>Assigned to:</source>
        <translation>承办：</translation>
    </message>
    <message>
        <source>Reported:</source>
        <translation>上报时间：</translation>
    </message>
    <message>
        <source>Deadline:</source>
        <translation>办结时限：</translation>
    </message>
    <message>
        <source>Escalation:</source>
        <translation>督办：</translation>
    </message>
    <message>
        <source>One-key alarm:</source>
        <translation>一键报警：</translation>
    </message>
    <message>
        <source>Finished:</source>
        <translation>办结：</translation>
    </message>
    <message>
        <source>Rejected:</source>
        <translation>退回：</translation>
    </message>
    <message>
        <source>Likely duplicate of:</source>
        <translation>疑似重复：</translation>
    </message>
    <message>
        <source>Also open at:</source>
        <translation>同时查看：</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Step</source>
        <translation>环节</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>事件描述</translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation>处置反馈</translation>
    </message>
    <message>
        <source>Photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>处置轨迹</translation>
    </message>
    <message>
        <source>acknowledged %1</source>
        <translation>已于 %1 确认</translation>
    </message>
    <message>
        <source>NOT acknowledged</source>
        <translation>尚未确认</translation>
    </message>
    <message>
        <source>resolved %1</source>
        <translation>%1 处置完成</translation>
    </message>
    <message>
        <source>closed %1</source>
        <translation>%1 结案</translation>
    </message>
    <message>
        <source>%1 (%2 m away, %3 earlier) — reject this report as its duplicate to merge</source>
        <translation>%1（相距 %2 米，早 %3）——将本上报作为其重复退回即可合并</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>（暂无）</translation>
    </message>
    <message>
        <source>%1 (since %2)</source>
        <translation>%1（自 %2 起）</translation>
    </message>
    <message>
        <source>Cannot show incident: %1</source>
        <translation>无法显示事件：%1</translation>
    </message>
    <message>
        <source>%1 (grid worker)</source>
        <translation>%1（网格员）</translation>
    </message>
    <message>
        <source>[joint meeting]</source>
        <translation>［联席会议］</translation>
    </message>
    <message>
        <source>reminded %1</source>
        <translation>%1 已提醒</translation>
    </message>
    <message>
        <source>supervision order %1</source>
        <translation>%1 已发督办单</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
</context>
<context>
    <name>IncidentQueueModel</name>
    <message>
        <source>Time until the handling deadline (sorts by deadline)</source>
        <extracomment>``data(index, IncidentIdRole)`` is the row&apos;s incident id (None while the row is loading). ``data(index, QueueRowRole)`` is the row&apos;s :class:`QueueRow` (None while loading). (pinned one-key rows, all matching rows) after each count query. GUI thread. True while a count or page query is outstanding. GUI thread. A query failed; the argument is a one-line message for the operator. GUI thread.</extracomment>
        <translation>距办结时限的剩余时间（按时限排序）</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Village / grid</source>
        <translation>村社区 / 网格</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>承办</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>One-key report: alarm acknowledged</source>
        <translation>一键上报：警报已确认</translation>
    </message>
    <message>
        <source>One-key report: alarm NOT acknowledged</source>
        <translation>一键上报：警报尚未确认</translation>
    </message>
    <message>
        <source>Supervision order issued</source>
        <translation>已发督办单</translation>
    </message>
    <message>
        <source>Overdue reminder sent</source>
        <translation>已发超时提醒</translation>
    </message>
    <message>
        <source>Overdue since %1</source>
        <translation>自 %1 起超时</translation>
    </message>
</context>
<context>
    <name>IssueKeyDialog</name>
    <message>
        <source>Issue key</source>
        <translation>签发密钥</translation>
    </message>
    <message>
        <source>For:</source>
        <translation>用于：</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>A worker&apos;s phone: choose its registered device id.</source>
        <translation>网格员手机：请选择其已登记的设备 ID。</translation>
    </message>
    <message>
        <source>A civic-reporting app or organisation, e.g. its name.</source>
        <translation>群众上报应用或机构：填写其名称等。</translation>
    </message>
    <message>
        <source>Enter a name.</source>
        <translation>请输入名称。</translation>
    </message>
</context>
<context>
    <name>KeyTableModel</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>吊销时间</translation>
    </message>
</context>
<context>
    <name>Level</name>
    <message>
        <source>Grid worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村级</translation>
    </message>
    <message>
        <source>Town</source>
        <translation>镇级</translation>
    </message>
    <message>
        <source>Joint meeting</source>
        <translation>联席会议</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Gridwatch — log in</source>
        <translation>Gridwatch — 登录</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Log in as the demo operator</source>
        <translation>以演示值班员登录</translation>
    </message>
    <message>
        <source>This is the demo town: log in as its duty officer without a password</source>
        <translation>这是演示镇：无需密码，以其值班员身份登录</translation>
    </message>
    <message>
        <source>Enter your user name</source>
        <translation>请输入用户名</translation>
    </message>
    <message>
        <source>Too many failed logins: locked until %1</source>
        <translation>登录失败次数过多：锁定至 %1</translation>
    </message>
    <message>
        <source>Wrong user name or password</source>
        <translation>用户名或密码错误</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Gridwatch — command room (demo operator)</source>
        <translation>Gridwatch — 指挥室（演示值班员）</translation>
    </message>
    <message>
        <source>Gridwatch — command room</source>
        <translation>网格守望 — 指挥中心</translation>
    </message>
    <message>
        <source>Your password was changed.</source>
        <translation>您的密码已修改。</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Video wall</source>
        <translation>视频墙</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>驾驶舱</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Supervision orders</source>
        <translation>督办单</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>变化告警</translation>
    </message>
    <message>
        <source>Scorecards</source>
        <translation>考核</translation>
    </message>
    <message>
        <source>Changes (%1)</source>
        <translation>变化告警（%1）</translation>
    </message>
    <message>
        <source>Position intake: %1</source>
        <translation>位置接入：%1</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Export queue as CSV…</source>
        <translation>导出队列为 CSV(&amp;E)…</translation>
    </message>
    <message>
        <source>Every incident the queue shows, with its filter and sort, as a CSV file</source>
        <translation>按当前筛选和排序，将队列中的全部事件导出为 CSV 文件</translation>
    </message>
    <message>
        <source>&amp;Monthly report…</source>
        <translation>月度报告(&amp;M)…</translation>
    </message>
    <message>
        <source>A month&apos;s figures, charts and tables for the town or a village, as a PDF</source>
        <translation>将全镇或某村一个月的数据、图表和表格导出为 PDF</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Incident</source>
        <translation>事件(&amp;I)</translation>
    </message>
    <message>
        <source>Dispatch</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Vi&amp;deo</source>
        <translation>视频(&amp;D)</translation>
    </message>
    <message>
        <source>New &amp;wall window on</source>
        <translation>新建视频墙窗口于(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Big screen on</source>
        <translation>大屏显示于(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Administration</source>
        <translation>管理(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Gridwatch</source>
        <translation>关于网格守望(&amp;A)</translation>
    </message>
    <message>
        <source>Operator: %1</source>
        <translation>当前操作员：%1</translation>
    </message>
    <message>
        <source>demo operator</source>
        <translation>演示值班员</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>Demo simulation running</source>
        <translation>演示模拟运行中</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>调度员</translation>
    </message>
    <message>
        <source>duty officer</source>
        <translation>值班长</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>system</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>Video: every frame shown again</source>
        <translation>视频：已恢复显示全部帧</translation>
    </message>
    <message>
        <source>Video: this computer cannot decode every camera in time; showing at most %1 frames a second</source>
        <translation>视频：本机无法及时解码全部摄像头，每秒最多显示 %1 帧</translation>
    </message>
    <message>
        <source>%1 new follow-up task(s) — see Tasks</source>
        <translation>新增 %1 条跟进任务——见“任务”</translation>
    </message>
    <message>
        <source>Suspected construction on %1 — see Changes</source>
        <translation>%1 发现疑似违建 — 见“变化告警”</translation>
    </message>
    <message>
        <source>The incident is not in the queue as filtered; shown in Incident</source>
        <translation>该事件不在当前筛选的队列中；已在“事件”面板中显示</translation>
    </message>
    <message>
        <source>One-key report received — acknowledge it in the red bar</source>
        <translation>收到一键上报 — 请在红色警报栏确认</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The new language is used from the next start.</source>
        <translation>新语言将在下次启动时生效。</translation>
    </message>
    <message>
        <source>About Gridwatch</source>
        <translation>关于网格守望</translation>
    </message>
    <message>
        <source>Gridwatch %1 — command-room console for grid-based community governance.
Database: %2</source>
        <translation>网格守望 %1 — 基层网格化治理指挥中心控制台。
数据库：%2</translation>
    </message>
</context>
<context>
    <name>MapPanel</name>
    <message>
        <source>Grids</source>
        <extracomment>How wide the view is after centring on a selected worker or incident (metres).</extracomment>
        <translation>网格</translation>
    </message>
    <message>
        <source>Villages (unresolved share)</source>
        <translation>村社（未办结占比）</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Track</source>
        <translation>轨迹</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Cameras</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>Show all</source>
        <translation>全部显示</translation>
    </message>
    <message>
        <source>Base map…</source>
        <translation>底图…</translation>
    </message>
    <message>
        <source>Aim camera</source>
        <translation>设定摄像头朝向</translation>
    </message>
    <message>
        <source>Drag from the selected camera to where it looks and how far (Esc cancels)</source>
        <translation>从所选摄像头拖向其朝向的位置，拖动距离即可视距离（Esc 取消）</translation>
    </message>
    <message>
        <source>Find a worker by name or grid…</source>
        <translation>按姓名或网格查找网格员…</translation>
    </message>
    <message>
        <source>Worker markers by state</source>
        <translation>网格员标记按状态着色</translation>
    </message>
</context>
<context>
    <name>MapRoom</name>
    <message>
        <source>The map could not be loaded</source>
        <extracomment>How often the workers and incidents on the map are re-read.</extracomment>
        <translation>地图无法加载</translation>
    </message>
    <message>
        <source>Camera aimed: %1° from north over %2°, up to %3 m</source>
        <translation>摄像头朝向已设定：方位角 %1°（自正北起），视角 %2°，可视距离 %3 米</translation>
    </message>
    <message>
        <source>The camera could not be aimed</source>
        <translation>无法设定摄像头朝向</translation>
    </message>
    <message>
        <source>The map could not read positions</source>
        <translation>地图无法读取位置</translation>
    </message>
    <message>
        <source>The worker&apos;s card could not be read</source>
        <translation>无法读取网格员信息</translation>
    </message>
    <message>
        <source>The grid&apos;s patrol could not be read</source>
        <translation>无法读取网格巡查情况</translation>
    </message>
    <message>
        <source>Incident #%1 assigned from the map</source>
        <translation>事件 #%1 已从地图派遣</translation>
    </message>
    <message>
        <source>The assignment was refused</source>
        <translation>派遣被拒绝</translation>
    </message>
</context>
<context>
    <name>MonthlyReport</name>
    <message>
        <source>Monthly report — %1</source>
        <translation>月度报告 — %1</translation>
    </message>
    <message>
        <source>All towns</source>
        <translation>全部乡镇</translation>
    </message>
    <message>
        <source>Month: %1 (%2 to %3)</source>
        <translation>月份：%1（%2 至 %3）</translation>
    </message>
    <message>
        <source>Open, overdue and closed as of %1</source>
        <translation>未办结、超期和办结情况截至 %1</translation>
    </message>
    <message>
        <source>Key figures</source>
        <translation>主要指标</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>受理</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>不予受理</translation>
    </message>
    <message>
        <source>Still open</source>
        <translation>尚未办结</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Closure rate</source>
        <translation>办结率</translation>
    </message>
    <message>
        <source>Average time to close</source>
        <translation>平均办结时长</translation>
    </message>
    <message>
        <source>Villages on red light</source>
        <translation>亮红灯的村</translation>
    </message>
    <message>
        <source>New incidents per day</source>
        <translation>每日新增事件</translation>
    </message>
    <message>
        <source>Day of the month</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Categories</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>No incidents this month</source>
        <translation>本月无事件</translation>
    </message>
    <message>
        <source>Closure rate against the city&apos;s reference</source>
        <translation>办结率与全市参考值对比</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>City reference</source>
        <translation>全市参考值</translation>
    </message>
    <message>
        <source>Closed ÷ (received − rejected)</source>
        <translation>办结数 ÷（受理数 − 不予受理数）</translation>
    </message>
    <message>
        <source>Average time to close per difficulty level</source>
        <translation>各难度等级平均办结时长</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>难度等级</translation>
    </message>
    <message>
        <source>Department linkage</source>
        <translation>部门联动</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Assessment</source>
        <translation>考核类别</translation>
    </message>
    <message>
        <source>No stationed departments</source>
        <translation>无派驻部门</translation>
    </message>
    <message>
        <source>Villages</source>
        <translation>村（社区）</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村（社区）</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Unresolved</source>
        <translation>未解决占比</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>灯色</translation>
    </message>
    <message>
        <source>Red</source>
        <translation>红灯</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Red light: %1 or more of the month&apos;s incidents still unresolved</source>
        <translation>红灯：本月事件中 %1 及以上仍未解决</translation>
    </message>
    <message>
        <source>Gridwatch command room · printed %1 by %2</source>
        <translation>网格守望指挥中心 · %1 由 %2 打印</translation>
    </message>
    <message>
        <source>Page %1</source>
        <translation>第 %1 页</translation>
    </message>
</context>
<context>
    <name>MonthlyReportDialog</name>
    <message>
        <source>Monthly report</source>
        <translation>月度报告</translation>
    </message>
    <message>
        <source>Whole town</source>
        <translation>全镇</translation>
    </message>
    <message>
        <source>Write PDF…</source>
        <translation>生成 PDF…</translation>
    </message>
    <message>
        <source>Month:</source>
        <translation>月份：</translation>
    </message>
    <message>
        <source>For:</source>
        <translation>范围：</translation>
    </message>
</context>
<context>
    <name>NewKeyDialog</name>
    <message>
        <source>New key</source>
        <translation>新密钥</translation>
    </message>
    <message>
        <source>The key for %1:</source>
        <translation>%1 的密钥：</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy it now and hand it over: it cannot be shown again. Only its hash is kept.</source>
        <translation>请立即复制并转交：密钥不会再次显示，系统只保存其哈希值。</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>NewUserDialog</name>
    <message>
        <source>Add user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <source>Name shown:</source>
        <translation>显示名称：</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>角色：</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>Password again:</source>
        <translation>确认密码：</translation>
    </message>
    <message>
        <source>Enter a user name.</source>
        <translation>请输入用户名。</translation>
    </message>
</context>
<context>
    <name>OneKeyAlarmBar</name>
    <message>
        <source>The database did not accept the change: %1</source>
        <extracomment>A one-key alarm this bar had not shown before (the main window beeps or flashes). The operator clicked an alarm: select this incident. The operator acknowledged this incident&apos;s alarm (the database has recorded it). Acknowledging failed; the message is for the operator.</extracomment>
        <translation>数据库未能保存修改：%1</translation>
    </message>
    <message>
        <source>ONE-KEY ALARM  %1 · %2 · %3 · %4 · %5 ago</source>
        <translation>一键报警  %1 · %2 · %3 · %4 · %5前</translation>
    </message>
    <message>
        <source>+ %1 more unacknowledged one-key alarms</source>
        <translation>另有 %1 条一键报警未确认</translation>
    </message>
</context>
<context>
    <name>OrderState</name>
    <message>
        <source>Issued</source>
        <extracomment>Fonts tried in order for the document&apos;s text (the first installed one that has the glyph wins).</extracomment>
        <translation>已下发</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>已回复</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已办结</translation>
    </message>
    <message>
        <source>Issued — awaiting handling</source>
        <translation>已下发 — 等待处置</translation>
    </message>
    <message>
        <source>Answered — awaiting verification</source>
        <translation>已回复 — 等待核查</translation>
    </message>
</context>
<context>
    <name>OwnPasswordDialog</name>
    <message>
        <source>Change my password</source>
        <translation>修改我的密码</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>用户：</translation>
    </message>
    <message>
        <source>Current password:</source>
        <translation>当前密码：</translation>
    </message>
    <message>
        <source>New password:</source>
        <translation>新密码：</translation>
    </message>
    <message>
        <source>New password again:</source>
        <translation>再次输入新密码：</translation>
    </message>
    <message>
        <source>Enter your current password.</source>
        <translation>请输入当前密码。</translation>
    </message>
    <message>
        <source>The new password must differ from the current one.</source>
        <translation>新密码必须与当前密码不同。</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>Reset password</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <source>New password for %1.</source>
        <translation>为 %1 设置新密码。</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <source>Password again:</source>
        <translation>确认密码：</translation>
    </message>
</context>
<context>
    <name>PhoneTableModel</name>
    <message>
        <source>Device id</source>
        <translation>设备号</translation>
    </message>
    <message>
        <source>App</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Last position</source>
        <translation>最近位置</translation>
    </message>
</context>
<context>
    <name>PtzPanel</name>
    <message>
        <source>PTZ — %1</source>
        <translation>云台控制 — %1</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Go to preset</source>
        <translation>转到预置位</translation>
    </message>
    <message>
        <source>Save position as preset…</source>
        <translation>将当前位置存为预置位…</translation>
    </message>
    <message>
        <source>Loading presets…</source>
        <translation>正在读取预置位…</translation>
    </message>
    <message>
        <source>Presets</source>
        <translation>预置位</translation>
    </message>
    <message>
        <source>%1 presets</source>
        <translation>%1 个预置位</translation>
    </message>
    <message>
        <source>Going to %1</source>
        <translation>正在转到 %1</translation>
    </message>
    <message>
        <source>Save preset</source>
        <translation>保存预置位</translation>
    </message>
    <message>
        <source>Name of this position:</source>
        <translation>该位置的名称：</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <source>Overdue only</source>
        <extracomment>The selected incident&apos;s id, or -1 when none is selected (GUI thread). The selected row&apos;s :class:`QueueRow` (or None) whenever it or its data changes, e.g. when a refresh shows a newer version (GUI thread).</extracomment>
        <translation>仅超时</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Show the queue without the dashboard&apos;s filter</source>
        <translation>取消驾驶舱筛选，显示完整队列</translation>
    </message>
    <message>
        <source>Filtered from the dashboard: %1</source>
        <translation>来自驾驶舱的筛选：%1</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>All levels</source>
        <translation>全部等级</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>全部村社区</translation>
    </message>
    <message>
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <source>Search number, title, description, assignee…</source>
        <translation>搜索编号、标题、描述、承办人…</translation>
    </message>
    <message>
        <source>1 incident</source>
        <translation>1 条事件</translation>
    </message>
    <message>
        <source>%1 incidents</source>
        <translation>%1 条事件</translation>
    </message>
    <message>
        <source>%1 one-key</source>
        <translation>%1 条一键上报</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Query failed: %1</source>
        <translation>查询失败：%1</translation>
    </message>
</context>
<context>
    <name>QuickDispatch</name>
    <message>
        <source>&amp;Dispatch to the nearest…</source>
        <translation>就近派遣(&amp;D)…</translation>
    </message>
    <message>
        <source>Accept and assign in one step: the newest one-key alarm, else the selected incident; 1–9 pick who goes (%1)</source>
        <translation>一步完成受理和派遣：优先最新的一键报警，否则为所选事件；按 1–9 选择派遣对象（%1）</translation>
    </message>
    <message>
        <source>Select an incident to dispatch first</source>
        <translation>请先选择要派遣的事件</translation>
    </message>
    <message>
        <source>Incident %1 cannot be dispatched: it is %2</source>
        <translation>事件 %1 无法派遣：当前状态为“%2”</translation>
    </message>
    <message>
        <source>Your role may not dispatch incidents</source>
        <translation>您的角色无权派遣事件</translation>
    </message>
    <message>
        <source>Changed by someone else</source>
        <translation>已被他人修改</translation>
    </message>
    <message>
        <source>Dispatch refused</source>
        <translation>派遣被拒绝</translation>
    </message>
    <message>
        <source>Dispatch failed</source>
        <translation>派遣失败</translation>
    </message>
</context>
<context>
    <name>QuickDispatchDialog</name>
    <message>
        <source>Dispatch incident</source>
        <extracomment>The key that opens the keyboard dispatch (D for dispatch; text fields keep it as a letter).</extracomment>
        <translation>派遣事件</translation>
    </message>
    <message>
        <source>One-key alarm</source>
        <translation>一键报警</translation>
    </message>
    <message>
        <source>it is accepted and assigned in one step</source>
        <translation>将一步完成受理和派遣</translation>
    </message>
    <message>
        <source>1–9 choose · Enter dispatches · Esc cancels</source>
        <translation>1–9 选择 · 回车派遣 · Esc 取消</translation>
    </message>
    <message>
        <source>Accept and dispatch</source>
        <translation>受理并派遣</translation>
    </message>
    <message>
        <source>Dispatch</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Nearest workers, then departments:</source>
        <translation>就近网格员，其次为部门：</translation>
    </message>
    <message>
        <source>Nobody to suggest here: use Assign… (Ctrl+Shift+D) to choose from everyone</source>
        <translation>此处无可推荐的对象：请用“派遣…”（Ctrl+Shift+D）从全部人员中选择</translation>
    </message>
</context>
<context>
    <name>RegisterPhoneDialog</name>
    <message>
        <source>Register phone</source>
        <translation>登记手机</translation>
    </message>
    <message>
        <source>as set in the phone&apos;s app</source>
        <translation>与手机应用中的设置一致</translation>
    </message>
    <message>
        <source>worker&apos;s code or name</source>
        <translation>网格员编号或姓名</translation>
    </message>
    <message>
        <source>Device id:</source>
        <translation>设备号：</translation>
    </message>
    <message>
        <source>App:</source>
        <translation>应用：</translation>
    </message>
    <message>
        <source>Worker:</source>
        <translation>网格员：</translation>
    </message>
    <message>
        <source>Enter the phone&apos;s device id.</source>
        <translation>请输入手机的设备号。</translation>
    </message>
    <message>
        <source>Enter the worker&apos;s code or name.</source>
        <translation>请输入网格员编号或姓名。</translation>
    </message>
</context>
<context>
    <name>RejectDialog</name>
    <message>
        <source>Reject report</source>
        <translation>退回上报</translation>
    </message>
    <message>
        <source>Likely duplicates (same kind, within 50 m, in the 24 hours before):</source>
        <translation>疑似重复（同类事件，50 米内，24 小时内先报）：</translation>
    </message>
    <message>
        <source>Duplicate of incident number:</source>
        <translation>与此编号的事件重复：</translation>
    </message>
    <message>
        <source>e.g. 20261129-0042</source>
        <translation>例如 20261129-0042</translation>
    </message>
    <message>
        <source>Note for the reporter (optional)</source>
        <translation>给上报人的说明（可选）</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>%1  %2 — %3 m away, %4 earlier</source>
        <translation>%1  %2 —— 相距 %3 米，早 %4</translation>
    </message>
</context>
<context>
    <name>RejectReason</name>
    <message>
        <source>Invalid report</source>
        <translation>无效上报</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>重复上报</translation>
    </message>
</context>
<context>
    <name>ReplayRoom</name>
    <message>
        <source>Situation &amp;replay…</source>
        <translation>态势回放(&amp;R)…</translation>
    </message>
    <message>
        <source>Replay a past period: workers moving, incidents appearing and changing</source>
        <translation>回放过去某一时段：网格员的移动、事件的出现与变化</translation>
    </message>
    <message>
        <source>Situation replay</source>
        <translation>态势回放</translation>
    </message>
    <message>
        <source>Loading cancelled.</source>
        <translation>已取消加载。</translation>
    </message>
    <message>
        <source>The period could not be loaded</source>
        <translation>无法加载该时段</translation>
    </message>
</context>
<context>
    <name>ReportsDesk</name>
    <message>
        <source>Supervision orders: %1</source>
        <extracomment>A queue export finished (its result), for whoever wants to know. GUI thread.</extracomment>
        <translation>督办单：%1</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>%1 supervision order(s) written to %2</source>
        <translation>已将 %1 份督办单写入 %2</translation>
    </message>
    <message>
        <source>Export supervision orders</source>
        <translation>导出督办单</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>难度等级</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Sub-item</source>
        <translation>子项</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>村（社区）</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>上报人</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>承办人</translation>
    </message>
    <message>
        <source>Reported at</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>办理时限</translation>
    </message>
    <message>
        <source>Resolved at</source>
        <translation>处置完成时间</translation>
    </message>
    <message>
        <source>Closed at</source>
        <translation>办结时间</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>Export queue as CSV</source>
        <translation>导出队列为 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>%1 incidents exported to %2</source>
        <translation>已将 %1 件事件导出到 %2</translation>
    </message>
    <message>
        <source>Queue export cancelled; no file written</source>
        <translation>队列导出已取消；未写入文件</translation>
    </message>
    <message>
        <source>Queue export failed: %1</source>
        <translation>队列导出失败：%1</translation>
    </message>
    <message>
        <source>Exporting the queue to %1…</source>
        <translation>正在将队列导出到 %1…</translation>
    </message>
    <message>
        <source>Monthly report: %1</source>
        <translation>月度报告：%1</translation>
    </message>
    <message>
        <source>Save the monthly report</source>
        <translation>保存月度报告</translation>
    </message>
    <message>
        <source>Monthly report for %1 written to %2</source>
        <translation>%1 的月度报告已写入 %2</translation>
    </message>
    <message>
        <source>Monthly report failed: %1</source>
        <translation>月度报告生成失败：%1</translation>
    </message>
</context>
<context>
    <name>RoleDialog</name>
    <message>
        <source>Change role</source>
        <translation>更改角色</translation>
    </message>
    <message>
        <source>Role of %1:</source>
        <translation>%1 的角色：</translation>
    </message>
</context>
<context>
    <name>ScaleBar</name>
    <message>
        <source>{0:g} km</source>
        <extracomment>The bar is at most this many pixels long.</extracomment>
        <translation>{0:g} 千米</translation>
    </message>
    <message>
        <source>{0:g} m</source>
        <translation>{0:g} 米</translation>
    </message>
</context>
<context>
    <name>ScorecardExports</name>
    <message>
        <source>Export scorecards as CSV</source>
        <translation>导出考核表为 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Export scorecards as PDF</source>
        <translation>导出考核表为 PDF</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>%1 scorecards written to %2</source>
        <translation>已将 %1 份考核表写入 %2</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>ScorecardRoom</name>
    <message>
        <source>Computing the scorecards of %1…</source>
        <translation>正在计算 %1 的考核…</translation>
    </message>
    <message>
        <source>Cancelled: %1 was not computed; still showing %2.</source>
        <translation>已取消：%1 未计算，仍显示 %2。</translation>
    </message>
    <message>
        <source>Cancelled: choose a month to compute its scorecards.</source>
        <translation>已取消：请选择月份以计算其考核。</translation>
    </message>
    <message>
        <source>reading the incidents</source>
        <translation>正在读取事件</translation>
    </message>
    <message>
        <source>attributing the reports</source>
        <translation>正在归集上报</translation>
    </message>
    <message>
        <source>reading the patrols</source>
        <translation>正在读取巡查记录</translation>
    </message>
    <message>
        <source>scoring the departments</source>
        <translation>正在为部门评分</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>正在启动</translation>
    </message>
    <message>
        <source>%1: %2…</source>
        <translation>%1：%2…</translation>
    </message>
    <message>
        <source>Score history, %1: %2…</source>
        <translation>历史得分（%1）：%2…</translation>
    </message>
    <message>
        <source>The scorecards of %1 could not be computed: %2</source>
        <translation>无法计算 %1 的考核：%2</translation>
    </message>
    <message>
        <source>Score history of %1: %2</source>
        <translation>历史得分（%1）：%2</translation>
    </message>
    <message>
        <source>Score over the last 12 months (a gap: no score that month).</source>
        <translation>近 12 个月得分（空缺：该月无得分）。</translation>
    </message>
    <message>
        <source>History stopped: %1 month(s) not computed yet.</source>
        <translation>历史得分计算已停止：尚有 %1 个月未计算。</translation>
    </message>
    <message>
        <source>Computing the history in the background: %1 month(s) to go.</source>
        <translation>正在后台计算历史得分：还剩 %1 个月。</translation>
    </message>
    <message>
        <source>%1: score by month</source>
        <translation>%1：逐月得分</translation>
    </message>
    <message>
        <source>reports</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>accepted reports</source>
        <translation>受理的上报</translation>
    </message>
    <message>
        <source>rejected reports</source>
        <translation>退回的上报</translation>
    </message>
    <message>
        <source>duplicate reports</source>
        <translation>重复上报</translation>
    </message>
    <message>
        <source>one-key reports</source>
        <translation>一键上报</translation>
    </message>
    <message>
        <source>dispatched to them</source>
        <translation>派给本人</translation>
    </message>
    <message>
        <source>handled on the spot</source>
        <translation>就地处置</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>supervised</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>the average time to respond</source>
        <translation>平均响应时长</translation>
    </message>
    <message>
        <source>the average time to resolve</source>
        <translation>平均办结时长</translation>
    </message>
    <message>
        <source>received</source>
        <translation>接收</translation>
    </message>
    <message>
        <source>accepted in time</source>
        <translation>按时受理</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>supervision orders</source>
        <translation>督办单</translation>
    </message>
    <message>
        <source>joint meetings</source>
        <translation>联席会议</translation>
    </message>
    <message>
        <source>closed, level %1</source>
        <translation>办结（%1 级）</translation>
    </message>
    <message>
        <source>No incidents behind %1 of %2 in %3</source>
        <translation>%3 %2 的“%1”没有对应的事件</translation>
    </message>
    <message>
        <source>Scorecard %1 — %2: %3 · %4 incident(s)</source>
        <translation>考核 %1 — %2：%3 · %4 件事件</translation>
    </message>
</context>
<context>
    <name>ScorecardsView</name>
    <message>
        <source>Export CSV…</source>
        <extracomment>A month typed or stepped to is loaded this long after the last change. Columns are sized to their contents up to this many pixels (a longer header is elided; its tooltip has it).</extracomment>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <source>Write what this tab shows: the town, one village or one department</source>
        <translation>导出本页所示内容：全镇、某个村（社区）或某个部门</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Scorecards are computed when you open this panel.</source>
        <translation>打开本面板时计算考核。</translation>
    </message>
    <message>
        <source>Village:</source>
        <translation>村（社区）：</translation>
    </message>
    <message>
        <source>All villages</source>
        <translation>全部村社区</translation>
    </message>
    <message>
        <source>Department:</source>
        <translation>部门：</translation>
    </message>
    <message>
        <source>All departments</source>
        <translation>全部部门</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>网格员</translation>
    </message>
    <message>
        <source>Departments</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Select a worker or a department for their score over 12 months.</source>
        <translation>选择一名网格员或一个部门，查看其近 12 个月的得分。</translation>
    </message>
    <message>
        <source>Compute the 12 months</source>
        <translation>计算近 12 个月</translation>
    </message>
    <message>
        <source>Month:</source>
        <translation>月份：</translation>
    </message>
    <message>
        <source>%1 · rules %2 · %3 workers, %4 departments · as of %5</source>
        <translation>%1 · 规则版本 %2 · %3 名网格员，%4 个部门 · 截至 %5</translation>
    </message>
</context>
<context>
    <name>SituationLinks</name>
    <message>
        <source>The cameras that see the incident could not be found: %1</source>
        <extracomment>How many of the wall&apos;s first tiles show the cameras that see a selected incident.</extracomment>
        <translation>无法查找能看到该事件的摄像头：%1</translation>
    </message>
    <message>
        <source>On the wall, closest first: %1</source>
        <translation>已上视频墙（由近及远）：%1</translation>
    </message>
    <message>
        <source>Incidents assigned to %1 (selected on the map)</source>
        <translation>派给 %1 的事件（在地图上选中）</translation>
    </message>
    <message>
        <source>Incidents of %1 (selected on the map)</source>
        <translation>%1 的事件（在地图上选中）</translation>
    </message>
</context>
<context>
    <name>SituationReplayView</name>
    <message>
        <source>Last 2 hours</source>
        <extracomment>Replay speeds offered (replayed seconds per real second). The preset periods, in the order offered; &quot;custom&quot; takes the from/to fields. How often a playing replay draws a frame.</extracomment>
        <translation>近 2 小时</translation>
    </message>
    <message>
        <source>Last 8 hours</source>
        <translation>近 8 小时</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <source>Custom period</source>
        <translation>自定义时段</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Choose a period and load it.</source>
        <translation>请选择时段并加载。</translation>
    </message>
    <message>
        <source>Play or pause the replay</source>
        <translation>播放或暂停回放</translation>
    </message>
    <message>
        <source>%1×</source>
        <translation>%1×</translation>
    </message>
    <message>
        <source>Replay speed</source>
        <translation>回放速度</translation>
    </message>
    <message>
        <source>Period:</source>
        <translation>时段：</translation>
    </message>
    <message>
        <source>from</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Loading the period…</source>
        <translation>正在加载该时段…</translation>
    </message>
    <message>
        <source>%1 workers · %2 open incidents</source>
        <translation>%1 名网格员 · %2 件未办结事件</translation>
    </message>
    <message>
        <source>The period must end after it starts.</source>
        <translation>时段的结束时间必须晚于开始时间。</translation>
    </message>
    <message>
        <source>%1 – %2: %3 workers, %4 incidents</source>
        <translation>%1 – %2：%3 名网格员，%4 件事件</translation>
    </message>
    <message>
        <source>positions every %1 s</source>
        <translation>位置间隔 %1 秒</translation>
    </message>
</context>
<context>
    <name>Source</name>
    <message>
        <source>Grid worker app</source>
        <translation>网格员App</translation>
    </message>
    <message>
        <source>One-key report</source>
        <translation>一键上报</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>视频监控</translation>
    </message>
    <message>
        <source>Citizen</source>
        <translation>群众</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>值班员</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <source>Reported</source>
        <translation>待受理</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>已受理</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>已退回</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>已派遣</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>待核查</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <source>Reopened</source>
        <translation>重新启动</translation>
    </message>
</context>
<context>
    <name>StatusFilterButton</name>
    <message>
        <source>Open (needs work)</source>
        <extracomment>The checked statuses (empty: all) after the operator changed them (GUI thread).</extracomment>
        <translation>未办结</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已办结</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>状态：%1</translation>
    </message>
    <message>
        <source>%1 selected</source>
        <translation>已选 %1 项</translation>
    </message>
</context>
<context>
    <name>SuggestionList</name>
    <message>
        <source>Key</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>派遣对象</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>this grid</source>
        <translation>本网格</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>usual handler</source>
        <translation>常规承办</translation>
    </message>
</context>
<context>
    <name>SupervisionDocument</name>
    <message>
        <source>answered %1</source>
        <translation>%1 已回复</translation>
    </message>
    <message>
        <source>closed %1</source>
        <translation>%1 已办结</translation>
    </message>
    <message>
        <source>Order number</source>
        <translation>督办单编号</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>难度等级</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>承办人</translation>
    </message>
    <message>
        <source>Deadline missed</source>
        <translation>超过的时限</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>督办人</translation>
    </message>
    <message>
        <source>Issued at</source>
        <translation>下发时间</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Feedback</source>
        <translation>处置反馈</translation>
    </message>
    <message>
        <source>Incident %1 passed its handling deadline of %2 without being resolved. %3 is required to handle it without delay and report the result to the command room.</source>
        <translation>事件 %1 已超过办理时限 %2 仍未处置完毕。请 %3 立即办理，并将结果报告指挥中心。</translation>
    </message>
    <message>
        <source>Gridwatch command room · printed %1 by %2</source>
        <translation>网格守望指挥中心 · %1 由 %2 打印</translation>
    </message>
    <message>
        <source>Supervision order</source>
        <translation>督办单</translation>
    </message>
    <message>
        <source>No. %1</source>
        <translation>编号：%1</translation>
    </message>
    <message>
        <source>Received by (assignee):</source>
        <translation>签收人（承办人）：</translation>
    </message>
    <message>
        <source>Date:</source>
        <translation>日期：</translation>
    </message>
</context>
<context>
    <name>SupervisionList</name>
    <message>
        <source>Number</source>
        <extracomment>Columns of the list (number, state, incident, assignee, deadline missed, issued by, issued at). The period shown at first: the last this many days, today included.</extracomment>
        <translation>编号</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>承办人</translation>
    </message>
    <message>
        <source>Deadline missed</source>
        <translation>超过的时限</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>督办人</translation>
    </message>
    <message>
        <source>Issued at</source>
        <translation>下发时间</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>打印…</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <source>The selected supervision orders as a PDF document, one page each</source>
        <translation>将选中的督办单导出为 PDF 文档，每份一页</translation>
    </message>
    <message>
        <source>Export period…</source>
        <translation>按时段导出…</translation>
    </message>
    <message>
        <source>Every supervision order of the period in one PDF document, one page each</source>
        <translation>将该时段内的全部督办单导出为一个 PDF 文档，每份一页</translation>
    </message>
    <message>
        <source>Issued from</source>
        <translation>下发时间从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>No supervision orders in this period.</source>
        <translation>该时段内没有督办单。</translation>
    </message>
    <message>
        <source>%1 orders, %2 outstanding</source>
        <translation>共 %1 份，%2 份未办结</translation>
    </message>
    <message>
        <source>(only the newest shown: choose a shorter period)</source>
        <translation>（仅显示最新的：请选择更短的时段）</translation>
    </message>
</context>
<context>
    <name>TaskManager</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>TrackReplay</name>
    <message>
        <source>Play or pause the replay</source>
        <extracomment>Replay speeds offered (track seconds per real second).</extracomment>
        <translation>播放或暂停回放</translation>
    </message>
    <message>
        <source>%1×</source>
        <translation>%1×</translation>
    </message>
    <message>
        <source>Replay speed</source>
        <translation>回放速度</translation>
    </message>
</context>
<context>
    <name>UserTableModel</name>
    <message>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>locked until %1</source>
        <translation>锁定至 %1</translation>
    </message>
    <message>
        <source>active</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>VideoTile</name>
    <message>
        <source>Drop a camera here</source>
        <translation>将摄像头拖到此处</translation>
    </message>
    <message>
        <source>%1 fps</source>
        <translation>%1 帧/秒</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>offline — retrying in %1 s</source>
        <translation>离线 — %1 秒后重试</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>stalled — no picture</source>
        <translation>卡顿 — 无画面</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
</context>
<context>
    <name>WallActions</name>
    <message>
        <source>Report &amp;incident from camera…</source>
        <translation>从摄像头上报事件(&amp;I)…</translation>
    </message>
    <message>
        <source>Save &amp;snapshot…</source>
        <translation>保存截图(&amp;S)…</translation>
    </message>
    <message>
        <source>Export last 30 s as &amp;clip…</source>
        <translation>导出最近 30 秒录像(&amp;C)…</translation>
    </message>
    <message>
        <source>Click a tile with a camera first</source>
        <translation>请先点击一个有摄像头的画面</translation>
    </message>
    <message>
        <source>Watch zones…</source>
        <translation>监测区…</translation>
    </message>
    <message>
        <source>Pan, tilt, zoom…</source>
        <translation>云台控制（转动、缩放）…</translation>
    </message>
    <message>
        <source>Maximise / restore</source>
        <translation>最大化 / 还原</translation>
    </message>
    <message>
        <source>Reset zoom</source>
        <translation>复位缩放</translation>
    </message>
    <message>
        <source>Remove from wall</source>
        <translation>从视频墙移除</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>Tour this tile through</source>
        <translation>此画面轮巡</translation>
    </message>
    <message>
        <source>Tour the wall through</source>
        <translation>整墙轮巡</translation>
    </message>
    <message>
        <source>Stop tours</source>
        <translation>停止轮巡</translation>
    </message>
    <message>
        <source>PTZ</source>
        <translation>云台</translation>
    </message>
    <message>
        <source>Snapshot</source>
        <translation>截图</translation>
    </message>
    <message>
        <source>Save snapshot</source>
        <translation>保存截图</translation>
    </message>
    <message>
        <source>Pictures (*.png *.jpg *.jpeg)</source>
        <translation>图片 (*.png *.jpg *.jpeg)</translation>
    </message>
    <message>
        <source>Snapshot saved: %1</source>
        <translation>截图已保存：%1</translation>
    </message>
    <message>
        <source>Clip</source>
        <translation>录像片段</translation>
    </message>
    <message>
        <source>%1 has no recent pictures to export</source>
        <translation>%1 没有可导出的近期画面</translation>
    </message>
    <message>
        <source>Export clip</source>
        <translation>导出录像片段</translation>
    </message>
    <message>
        <source>MP4 video (*.mp4)</source>
        <translation>MP4 视频 (*.mp4)</translation>
    </message>
    <message>
        <source>Clip saved: %1 (%2 frames)</source>
        <translation>录像已保存：%1（%2 帧）</translation>
    </message>
    <message>
        <source>Report from camera</source>
        <translation>从摄像头上报</translation>
    </message>
    <message>
        <source>Incident reported from camera and dispatched</source>
        <translation>已从摄像头上报事件并派遣</translation>
    </message>
    <message>
        <source>Incident reported from camera</source>
        <translation>已从摄像头上报事件</translation>
    </message>
</context>
<context>
    <name>WallDialogs</name>
    <message>
        <source>Tour</source>
        <extracomment>Settings key of the sub-item last reported from a camera (the report dialog starts on it).</extracomment>
        <translation>轮巡</translation>
    </message>
    <message>
        <source>Seconds per camera in %1</source>
        <translation>%1 中每个摄像头停留的秒数</translation>
    </message>
</context>
<context>
    <name>WallPanel</name>
    <message>
        <source>Wall layout</source>
        <translation>视频墙布局</translation>
    </message>
    <message>
        <source>Layouts</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>Save the wall as a named layout, or recall one</source>
        <translation>将视频墙保存为命名布局，或调用已保存的布局</translation>
    </message>
    <message>
        <source>Stop tour</source>
        <translation>停止轮巡</translation>
    </message>
    <message>
        <source>tour: %1 every %2 s</source>
        <translation>轮巡：%1，每 %2 秒</translation>
    </message>
    <message>
        <source>Save current layout as…</source>
        <translation>将当前布局另存为…</translation>
    </message>
    <message>
        <source>Save layout</source>
        <translation>保存布局</translation>
    </message>
    <message>
        <source>Name of this layout:</source>
        <translation>布局名称：</translation>
    </message>
</context>
<context>
    <name>WallWindow</name>
    <message>
        <source>Gridwatch — video wall %1</source>
        <translation>Gridwatch — 视频墙 %1</translation>
    </message>
    <message>
        <source>Monitor</source>
        <translation>显示器</translation>
    </message>
    <message>
        <source>Full screen</source>
        <translation>全屏</translation>
    </message>
</context>
<context>
    <name>WatchZoneEditor</name>
    <message>
        <source>Watch zones — %1</source>
        <translation>监测区 — %1</translation>
    </message>
    <message>
        <source>Name of the next zone, e.g. east rooftop</source>
        <translation>下一个监测区的名称，例如：东侧楼顶</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Switch off</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Zones</source>
        <translation>监测区</translation>
    </message>
    <message>
        <source>%1 (off)</source>
        <translation>%1（已停用）</translation>
    </message>
    <message>
        <source>Click the corners of a rooftop or open space to draw a zone; Enter, a double-click or a right-click closes it.</source>
        <translation>依次点击楼顶或空地的各个角来绘制监测区；按回车、双击或右键闭合。</translation>
    </message>
    <message>
        <source>%1 point(s): Enter closes the zone, Backspace removes the last point, Esc starts again.</source>
        <translation>已有 %1 个点：回车闭合，退格删除最后一个点，Esc 重新开始。</translation>
    </message>
    <message>
        <source>Zone %1</source>
        <translation>监测区 %1</translation>
    </message>
    <message>
        <source>Switch on</source>
        <translation>启用</translation>
    </message>
</context>
<context>
    <name>WorkerCardView</name>
    <message>
        <source>Grid</source>
        <extracomment>How many nearest workers the dispatch card offers (keys 1–9 pick them).</extracomment>
        <translation>网格</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>时段</translation>
    </message>
    <message>
        <source>Distance walked</source>
        <translation>巡查里程</translation>
    </message>
    <message>
        <source>Time on patrol</source>
        <translation>巡查时长</translation>
    </message>
    <message>
        <source>Stops</source>
        <translation>停留</translation>
    </message>
    <message>
        <source>Outside own grid</source>
        <translation>离开本网格</translation>
    </message>
    <message>
        <source>Export the track as GPX…</source>
        <translation>导出轨迹为 GPX…</translation>
    </message>
    <message>
        <source>Incidents in hand</source>
        <translation>手头事件</translation>
    </message>
    <message>
        <source>Replay the track</source>
        <translation>轨迹回放</translation>
    </message>
    <message>
        <source>no position reported</source>
        <translation>未上报位置</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Export the track</source>
        <translation>导出轨迹</translation>
    </message>
    <message>
        <source>GPX tracks (*.gpx)</source>
        <translation>GPX 轨迹 (*.gpx)</translation>
    </message>
    <message>
        <source>The track could not be written to %1: %2</source>
        <translation>轨迹无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>WorkerState</name>
    <message>
        <source>patrolling</source>
        <translation>巡查中</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>静止</translation>
    </message>
    <message>
        <source>handling an incident</source>
        <translation>处置事件中</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
</context>
<context>
    <name>_AlarmLine</name>
    <message>
        <source>Click to select the incident</source>
        <translation>点击选中该事件</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
</context>
</TS>
