<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
  <context>
    <name />
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="38" />
      <source>Buildings</source>
      <translation>楼栋</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="38" />
      <source>Persons</source>
      <translation>人员</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="39" />
      <source>Tenancies</source>
      <translation>居住关系</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="39" />
      <source>Organisations</source>
      <translation>单位</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="39" />
      <source>Photos</source>
      <translation>照片</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="40" />
      <source>Grids</source>
      <translation>网格</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="47" />
      <location filename="../../gridpad/ui/rule_text.py" line="20" />
      <location filename="../../gridpad/ui/rule_text.py" line="31" />
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="47" />
      <source>Phone</source>
      <translation>手机</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="47" />
      <location filename="../../gridpad/ui/rule_text.py" line="20" />
      <source>ID number</source>
      <translation>证件号码</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="48" />
      <location filename="../../gridpad/ui/rule_text.py" line="28" />
      <source>Room number</source>
      <translation>房号</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="48" />
      <location filename="../../gridpad/ui/rule_text.py" line="23" />
      <source>Room</source>
      <translation>房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="48" />
      <location filename="../../gridpad/ui/rule_text.py" line="23" />
      <source>Move-in date</source>
      <translation>入住日期</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="49" />
      <location filename="../../gridpad/ui/rule_text.py" line="24" />
      <source>Move-out date</source>
      <translation>搬离日期</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="49" />
      <location filename="../../gridpad/ui/rule_text.py" line="23" />
      <source>Employer</source>
      <translation>工作单位</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="49" />
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="50" />
      <location filename="../../gridpad/ui/rule_text.py" line="27" />
      <source>Occupant limit</source>
      <translation>限住人数</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="51" />
      <source>Rental rooms</source>
      <translation>出租间数</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="51" />
      <source>Household register address</source>
      <translation>户籍地址</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="52" />
      <source>Deleted</source>
      <translation>已删除</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="91" />
      <source>this tablet</source>
      <translation>本平板</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="93" />
      <source>another tablet</source>
      <translation>另一台平板</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="119" />
      <source>(empty)</source>
      <translation>（空）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="203" />
      <source>Your role cannot resolve this conflict; ask your supervisor.</source>
      <translation>您的角色不能处理此冲突，请联系主管。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="204" />
      <source>{0} — field “{1}”</source>
      <translation>{0} — 字段“{1}”</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="205" />
      <source>Mine</source>
      <translation>我的</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="206" />
      <source>Theirs</source>
      <translation>对方的</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="209" />
      <source>Use mine</source>
      <translation>用我的</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="210" />
      <source>Use theirs</source>
      <translation>用对方的</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="211" />
      <source>Edit</source>
      <translation>编辑</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="212" />
      <source>Save</source>
      <translation>保存</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="213" />
      <source>Type the correct value</source>
      <translation>输入正确的值</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="247" />
      <source>{0}: type a value, or choose mine or theirs.</source>
      <translation>{0}：请输入一个值，或选择“用我的”/“用对方的”。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="36" />
      <source>PIN: use at least {0} digits.</source>
      <translation>PIN：至少 {0} 位数字。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="37" />
      <source>PIN: the two entries differ.</source>
      <translation>PIN：两次输入不一致。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="38" />
      <source>PIN: one digit repeated is too easy to guess. Choose another.</source>
      <translation>PIN：同一数字重复太容易被猜到，请换一个。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="39" />
      <source>PIN: digits in a row (like 1234 or 4321) are too easy to guess. Choose another.</source>
      <translation>PIN：连续数字（如 1234 或 4321）太容易被猜到，请换一个。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="41" />
      <source>PIN: this is one of the most common PINs. Choose another.</source>
      <translation>PIN：这是最常见的 PIN 之一，请换一个。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="150" />
      <source>Unlock code from IT</source>
      <translation>信息科提供的解锁码</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="155" />
      <location filename="../../gridpad/ui/lock_overlay.py" line="168" />
      <source>GridPad is locked</source>
      <translation>网格通已锁定</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="148" />
      <source>Enter PIN</source>
      <translation>输入 PIN</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="149" />
      <source>PIN</source>
      <translation>PIN</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="156" />
      <source>Unlock</source>
      <translation>解锁</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="158" />
      <source>Too many wrong PINs</source>
      <translation>PIN 错误次数过多</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="159" />
      <source>This tablet stays locked until you enter an unlock code from IT. Your data and changes not yet synced are kept.</source>
      <translation>请输入信息科提供的解锁码，否则本平板将保持锁定。数据和尚未同步的修改都会保留。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="161" />
      <source>Tell IT this device ID: {0}</source>
      <translation>请把本机设备号告诉信息科：{0}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="162" />
      <source>Unlock with code</source>
      <translation>用解锁码解锁</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="164" />
      <source>Unlock code accepted</source>
      <translation>解锁码正确</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="165" />
      <source>Choose a new PIN to open GridPad.</source>
      <translation>请设置新的 PIN 以打开网格通。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="166" />
      <source>Save PIN and open</source>
      <translation>保存 PIN 并打开</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="169" />
      <source>The lock's settings cannot be read ({0}). Restart GridPad; if this happens again, call IT.</source>
      <translation>无法读取锁屏设置（{0}）。请重新启动网格通；如果再次出现，请联系信息科。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="228" />
      <source>Wrong PIN. Try again.</source>
      <translation>PIN 不正确，请重试。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="231" />
      <source>Wrong PIN. After {0} more wrong PINs the tablet stays locked until IT gives an unlock code.</source>
      <translation>PIN 不正确。再错 {0} 次，平板将被锁定，需要信息科提供解锁码才能打开。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="237" />
      <source>Try again in {0}.</source>
      <translation>请在 {0} 后重试。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="58" />
      <source>Door plate read: opening {0}.</source>
      <extracomment>Frames decoded per second at most (DESIGN: "a few frames a second").</extracomment>
      <translation>已识别门牌：正在打开 {0}。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="60" />
      <source>This plate belongs to grid {0} ({1}), not one of your grids.</source>
      <translation>此门牌属于网格 {0}（{1}），不是您负责的网格。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="63" />
      <source>Valid door plate, but this building is not registered on this tablet. Register it with the plate's ID, or sync first.</source>
      <translation>门牌有效，但本平板上没有登记此楼栋。可用门牌上的编号登记，或先同步。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="66" />
      <source>Warning: this plate's signature is wrong; it may be forged. Do not trust it, report it.</source>
      <translation>警告：此门牌签名不正确，可能是伪造的。请勿采信，并上报。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="68" />
      <source>This plate was signed with a key this tablet does not know yet. Sync, then scan again.</source>
      <translation>此门牌的签名密钥本平板尚未获得。请先同步，再重新扫码。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="71" />
      <source>The door plate code in this image is damaged or incomplete. Choose a sharper photo of the whole plate, or search by address.</source>
      <translation>图片中的门牌二维码损坏或不完整。请换一张清晰、拍全门牌的照片，或按地址搜索。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="73" />
      <source>The door plate code is damaged or incomplete. Scan again closer, or search by address.</source>
      <translation>门牌二维码损坏或不完整。请靠近重新扫码，或按地址搜索。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="75" />
      <source>This QR code is not a {0} door plate.</source>
      <translation>这不是{0}门牌二维码。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="77" />
      <source>No QR code found in this image. Choose a sharper photo taken straight on, with the whole plate in the picture.</source>
      <translation>这张图片中没有找到二维码。请换一张正对门牌拍摄、清晰且拍全门牌的照片。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="79" />
      <source>No QR code found. Hold the camera closer and steady, or light the plate.</source>
      <translation>未找到二维码。请将摄像头靠近并保持稳定，或给门牌补光。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="107" />
      <source>Cannot read that image: {0}</source>
      <translation>无法读取该图片：{0}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="282" />
      <source>Photo of a door plate</source>
      <translation>门牌照片</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="283" />
      <location filename="../../gridpad/ui/settings_screen.py" line="201" />
      <source>Images (*.png *.jpg *.jpeg *.bmp)</source>
      <translation>图片 (*.png *.jpg *.jpeg *.bmp)</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="289" />
      <source>Reading the image…</source>
      <translation>正在识别图片…</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="310" />
      <source>Could not check the plate: {0}</source>
      <translation>无法核验门牌：{0}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="346" />
      <source>Address: required; type the address shown on the plate.</source>
      <translation>地址：必填，请输入门牌上的地址。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="349" />
      <source>Grid: this tablet holds no grid yet; enroll and sync first.</source>
      <translation>网格：本平板尚无网格，请先注册并同步。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="392" />
      <source>Scan a door plate</source>
      <translation>扫描门牌</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="393" />
      <source>No camera found on this device.
Open a photo of the door plate instead.</source>
      <translation>本设备没有摄像头。
请改为打开门牌照片识别。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="394" />
      <source>Torch</source>
      <translation>手电筒</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="395" />
      <source>Register this building</source>
      <translation>登记此楼栋</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="396" />
      <source>New building with this plate's ID. Type its address; the rest can be filled in on its card.</source>
      <translation>用此门牌编号新建楼栋。请输入地址，其余信息可在楼栋卡片中补充。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="398" />
      <source>Address, e.g. 兴业路18号</source>
      <translation>地址，如 兴业路18号</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="399" />
      <source>Register and open</source>
      <translation>登记并打开</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/scan_screen.py" line="400" />
      <source>Read from image</source>
      <translation>从图片识别</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="190" />
      <source>Server address: start with https:// (or http:// on a test network).</source>
      <translation>服务器地址：应以 https:// 开头（测试网络可用 http://）。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="193" />
      <source>Enrollment code: type the code from IT.</source>
      <translation>注册码：请输入信息科提供的注册码。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="196" />
      <source>Enrolling…</source>
      <translation>正在注册…</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="200" />
      <source>Enrollment QR image</source>
      <translation>注册二维码图片</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="215" />
      <source>No QR code found in that image. Try a sharper photo, or type the code.</source>
      <translation>图片中没有找到二维码。请换一张更清晰的照片，或手动输入注册码。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="221" />
      <source>Code read from the image. Check the server address, then press Enroll.</source>
      <translation>已从图片读取注册码。请核对服务器地址，然后点击“注册”。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="234" />
      <source>Enrolled. The first sync starts now.</source>
      <translation>注册成功，现在开始首次同步。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="302" />
      <source>App version: {0}</source>
      <translation>应用版本：{0}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="303" />
      <source>Device ID: {0}</source>
      <translation>设备编号：{0}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="304" />
      <source>Enrolled: {0}</source>
      <translation>已注册：{0}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="304" />
      <source>yes</source>
      <translation>是</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="304" />
      <source>no</source>
      <translation>否</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="307" />
      <source>Server: {0}</source>
      <translation>服务器：{0}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="309" />
      <source>grid manager</source>
      <translation>网格管理员</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="309" />
      <source>supervisor</source>
      <translation>站长/督导</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="310" />
      <source>User: {0} ({1})</source>
      <translation>用户：{0}（{1}）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="312" />
      <source>Grids: {0}</source>
      <translation>网格：{0}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="313" />
      <source>System: {0}</source>
      <translation>系统：{0}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="317" />
      <source>A PIN is set: the screen locks when the tablet is left idle.</source>
      <translation>已设置 PIN：平板闲置时会自动锁屏。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="318" />
      <source>No PIN set: the screen does not lock. Set one to protect personal data.</source>
      <translation>未设置 PIN：屏幕不会锁定。请设置 PIN 以保护个人信息。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="321" />
      <source>Enroll again</source>
      <translation>重新注册</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="321" />
      <source>Enroll</source>
      <translation>注册</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="330" />
      <source>Settings</source>
      <translation>设置</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="331" />
      <source>Enroll this tablet</source>
      <translation>注册本平板</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="332" />
      <source>Server address</source>
      <translation>服务器地址</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="333" />
      <source>Enrollment code</source>
      <translation>注册码</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="335" />
      <source>Code from IT</source>
      <translation>信息科提供的注册码</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="336" />
      <source>Read code from image</source>
      <translation>从图片读取注册码</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="337" />
      <source>Language</source>
      <translation>语言</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="338" />
      <source>Privacy lock</source>
      <translation>隐私锁</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="151" />
      <location filename="../../gridpad/ui/settings_screen.py" line="339" />
      <source>New PIN</source>
      <translation>新 PIN</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock_overlay.py" line="152" />
      <location filename="../../gridpad/ui/settings_screen.py" line="340" />
      <source>Repeat PIN</source>
      <translation>再次输入 PIN</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="341" />
      <source>Lock after</source>
      <translation>闲置锁屏</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="343" />
      <source>{0} min idle</source>
      <translation>闲置 {0} 分钟后</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="344" />
      <source>Save PIN</source>
      <translation>保存 PIN</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="345" />
      <source>Remove PIN</source>
      <translation>删除 PIN</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="346" />
      <source>Lock now</source>
      <translation>立即锁屏</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/settings_screen.py" line="347" />
      <source>About this device</source>
      <translation>关于本设备</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="54" />
      <source>This tablet has been revoked by IT.</source>
      <translation>本平板已被信息科注销。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="55" />
      <source>Ask IT before using it again; local data must be wiped.</source>
      <translation>再次使用前请联系信息科；本地数据须清除。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="57" />
      <source>The server did not accept this tablet's sign-in.</source>
      <translation>服务器拒绝了本平板的登录。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="58" />
      <source>Check that the tablet is still enrolled; if it persists, ask IT for a new code.</source>
      <translation>请确认本平板仍处于注册状态；如问题持续，请向信息科申请新的注册码。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="61" />
      <source>The server could not be reached.</source>
      <translation>无法连接服务器。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="62" />
      <source>Nothing is lost: edits wait on the tablet and sync when the network returns.</source>
      <translation>数据不会丢失：修改保存在平板上，网络恢复后自动同步。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="64" />
      <source>The server's certificate could not be verified.</source>
      <translation>无法验证服务器证书。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="65" />
      <source>Check the date and time on the tablet, or ask IT for the CA bundle.</source>
      <translation>请检查平板的日期和时间，或向信息科索取 CA 证书包。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="67" />
      <source>The tablet's clock is wrong.</source>
      <translation>平板时钟不正确。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="68" />
      <source>Set the correct date and time, then sync again.</source>
      <translation>请设置正确的日期和时间，然后重新同步。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="70" />
      <source>The server had a problem.</source>
      <translation>服务器出现故障。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="70" />
      <source>Try again in a few minutes; edits stay on the tablet.</source>
      <translation>请几分钟后再试；修改仍保存在平板上。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="72" />
      <source>This tablet is not enrolled.</source>
      <translation>本平板未注册。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="72" />
      <source>Enroll it in Settings with the code from IT.</source>
      <translation>请在“设置”中用信息科提供的注册码注册。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="73" />
      <source>Try Sync now again; if the problem stays, tell IT this message.</source>
      <translation>请再次点击“立即同步”；如问题仍在，请把这条信息告知信息科。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="79" />
      <source>Sending edits: {0} of {1}</source>
      <translation>正在发送修改：{0}/{1}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="81" />
      <source>Receiving updates: page {0}</source>
      <translation>正在接收更新：第 {0} 页</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="83" />
      <source>Uploading photos: {0} of {1}</source>
      <translation>正在上传照片：{0}/{1}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="84" />
      <source>Connecting to the server</source>
      <translation>正在连接服务器</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="197" />
      <location filename="../../gridpad/ui/sync_screen.py" line="281" />
      <source>Not enrolled</source>
      <translation>未注册</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="199" />
      <location filename="../../gridpad/ui/sync_screen.py" line="283" />
      <source>Syncing…</source>
      <translation>正在同步…</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="201" />
      <location filename="../../gridpad/ui/sync_screen.py" line="285" />
      <source>Offline</source>
      <translation>离线</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="203" />
      <location filename="../../gridpad/ui/sync_screen.py" line="289" />
      <source>Online</source>
      <translation>在线</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="205" />
      <location filename="../../gridpad/ui/sync_screen.py" line="291" />
      <source>Checking connection…</source>
      <translation>正在检查网络…</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="209" />
      <source>Waiting to sync: {0}</source>
      <translation>待同步 {0} 条</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="210" />
      <source>Photos: {0}</source>
      <translation>照片 {0} 张</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="212" />
      <source>Conflicts: {0}</source>
      <translation>冲突 {0}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="215" />
      <source>Last sync {0}</source>
      <translation>上次同步 {0}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="215" />
      <source>Never synced</source>
      <translation>从未同步</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="229" />
      <location filename="../../gridpad/ui/sync_screen.py" line="330" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="230" />
      <source>Details</source>
      <translation>详情</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="84" />
      <source>Sending edits</source>
      <translation>正在发送修改</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="85" />
      <source>Receiving updates</source>
      <translation>正在接收更新</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="85" />
      <source>Uploading photos</source>
      <translation>正在上传照片</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/status_strip.py" line="86" />
      <source>Checking</source>
      <translation>正在核对</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="35" />
      <source>conflicts {0}</source>
      <translation>冲突 {0} 条</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="37" />
      <source>to correct {0}</source>
      <translation>待更正 {0} 条</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="39" />
      <source>set aside {0}</source>
      <translation>已搁置 {0} 条</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="40" />
      <source>Waiting for you: {0}</source>
      <translation>待您处理：{0}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="192" />
      <source>Sent {0}, received {1}, photos {2}, new conflicts {3}.</source>
      <translation>已发送 {0} 条，已接收 {1} 条，照片 {2} 张，新冲突 {3} 条。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="287" />
      <source>Up to date</source>
      <translation>已是最新</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="297" />
      <source>Last successful sync: {0}</source>
      <translation>上次成功同步：{0}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="298" />
      <source>Last successful sync: never</source>
      <translation>上次成功同步：从未</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="300" />
      <source>Waiting to sync: {0} edits</source>
      <translation>待同步：{0} 条修改</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="304" />
      <source>Photos waiting to upload: {0}</source>
      <translation>待上传照片：{0} 张</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="307" />
      <source>This tablet is not enrolled yet.</source>
      <translation>本平板尚未注册。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="308" />
      <source>Open Settings and enroll with the server address and the code from IT.</source>
      <translation>请打开“设置”，填写服务器地址和信息科提供的注册码进行注册。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="319" />
      <source>Records to correct (the server holds values that break the rules): {0}</source>
      <translation>待更正记录（服务器上的数据不符合规则）：{0} 条</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="322" />
      <source>Conflicts to review: {0}</source>
      <translation>待处理冲突：{0} 条</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="171" />
      <source>Stopping…</source>
      <translation>正在停止…</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="174" />
      <source>Sync cancelled. Nothing is lost: edits wait on the tablet.</source>
      <translation>已取消同步。数据没有丢失：修改保存在平板上等待同步。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="235" />
      <source>{0} {1}: {2} is kept on this tablet but is not on the server (its change was discarded; edit it again to send it).</source>
      <translation>{0} {1}：{2} 保留在本机，但服务器上没有（该修改已放弃；再次编辑即可发送）。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="315" />
      <source>Set aside, refused by the server: {0}</source>
      <translation>服务器拒收、已搁置：{0} 条</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/held_view.py" line="28" />
      <source>contains a character the server does not accept (such as a control character)</source>
      <translation>含有服务器不接受的字符（如控制字符）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/held_view.py" line="29" />
      <source>is required but missing</source>
      <translation>为必填项，但未填写</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/held_view.py" line="30" />
      <source>belongs to a grid this tablet does not hold</source>
      <translation>属于本机未负责的网格</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/held_view.py" line="31" />
      <source>moves the record to another grid, which needs a transfer by the office</source>
      <translation>把记录移到了其他网格，需由中心办理移交</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/held_view.py" line="32" />
      <source>is written by the central system only</source>
      <translation>只能由中心系统修改</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/held_view.py" line="33" />
      <source>is not a field the server knows</source>
      <translation>不是服务器认识的字段</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/held_view.py" line="34" />
      <source>breaks the server's rule “{0}”</source>
      <translation>不符合服务器规则“{0}”</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/held_view.py" line="49" />
      <source>{0} later edits of this record wait behind it.</source>
      <translation>此记录之后的 {0} 处修改在其后等待。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/held_view.py" line="53" />
      <source>Correct the record, then Retry: the values it holds now are sent. Discard drops the change; this tablet keeps its value, which is then not on the server.</source>
      <translation>请先更正记录，再点“重试”：将发送记录当前的值。“放弃”会丢弃这处修改；本机保留其值，但服务器上没有。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/held_view.py" line="59" />
      <source>Retry</source>
      <translation>重试</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/held_view.py" line="60" />
      <source>Discard</source>
      <translation>放弃</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="323" />
      <source>No conflicts. Edits from this tablet and the centre agree.</source>
      <translation>没有冲突，本平板与中心的数据一致。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="328" />
      <source>Sync</source>
      <translation>同步</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/sync_screen.py" line="329" />
      <source>Sync now</source>
      <translation>立即同步</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_list.py" line="60" />
      <location filename="../../gridpad/ui/conflicts_view.py" line="47" />
      <location filename="../../gridpad/ui/rule_text.py" line="25" />
      <source>Address</source>
      <translation>地址</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_list.py" line="62" />
      <location filename="../../gridpad/ui/conflicts_view.py" line="50" />
      <source>Floors</source>
      <translation>层数</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_list.py" line="64" />
      <location filename="../../gridpad/ui/conflicts_view.py" line="38" />
      <source>Rooms</source>
      <translation>房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="63" />
      <location filename="../../gridpad/ui/rule_text.py" line="80" />
      <source>Choose one of the listed values</source>
      <translation>请从列表中选择</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="86" />
      <location filename="../../gridpad/ui/rule_text.py" line="87" />
      <source>Too long: at most {max} characters, this has {length}</source>
      <translation>太长：最多 {max} 个字，现有 {length} 个</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock.py" line="249" />
      <source>The PIN could not be checked ({0}). Try again.</source>
      <translation>无法核对 PIN（{0}），请重试。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock.py" line="275" />
      <source>This tablet is not enrolled, or the keyring does not hold its keys, so no unlock code can be checked here. Call IT.</source>
      <translation>本平板尚未注册，或密钥环中没有它的密钥，无法在此核对解锁码。请联系信息科。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/lock.py" line="279" />
      <source>Wrong unlock code. Check it with IT and type it again.</source>
      <translation>解锁码不正确。请与信息科核对后重新输入。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/i18n.py" line="50" />
      <source>GridPad</source>
      <translation>网格通</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/breach_view.py" line="29" />
      <source>Wrong length: an ID number has 18 characters</source>
      <translation>位数不对：身份证号码为18位</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/breach_view.py" line="30" />
      <source>The birth date in the number is not a real date</source>
      <translation>号码中的出生日期不是有效日期</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/breach_view.py" line="31" />
      <source>The birth date in the number is before 1900</source>
      <translation>号码中的出生日期早于1900年</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/breach_view.py" line="32" />
      <source>The birth date in the number is in the future</source>
      <translation>号码中的出生日期在未来</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/breach_view.py" line="33" />
      <source>The area code in the number does not exist</source>
      <translation>号码中的地区码不存在</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/breach_view.py" line="34" />
      <source>A mobile number has 11 digits</source>
      <translation>手机号为11位</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/breach_view.py" line="35" />
      <source>Move-out date is before the move-in date</source>
      <translation>搬离日期早于入住日期</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/breach_view.py" line="36" />
      <source>Does not match the birth date in the ID number</source>
      <translation>与证件号码中的出生日期不符</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/breach_view.py" line="37" />
      <location filename="../../gridpad/ui/breach_view.py" line="38" />
      <source>Too long</source>
      <translation>太长</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/breach_view.py" line="39" />
      <source>The record id is too long</source>
      <translation>记录编号太长</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/breach_view.py" line="49" />
      <source>breaks the rule “{0}”</source>
      <translation>不符合规则“{0}”</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/breach_view.py" line="68" />
      <source>Open to correct</source>
      <translation>打开更正</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/breach_view.py" line="107" />
      <source>To correct: the stored values break these rules</source>
      <translation>待更正：已存数据不符合以下规则</translation>
    </message>
  </context>
  <context>
    <name>BuildingForm</name>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="80" />
      <source>Edit building</source>
      <translation>编辑楼栋</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="80" />
      <source>New building</source>
      <translation>新增楼栋</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="83" />
      <source>Building name (optional)</source>
      <translation>楼栋名称（选填）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="84" />
      <source>Manager name</source>
      <translation>管理人姓名</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="84" />
      <source>Manager phone</source>
      <translation>管理人电话</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="85" />
      <source>Landlord ID type (optional)</source>
      <translation>房东证件类型（选填）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="86" />
      <source>Landlord ID number (optional)</source>
      <translation>房东证件号码（选填）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="87" />
      <source>Manager ID type (optional)</source>
      <translation>管理人证件类型（选填）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="88" />
      <source>Manager ID number (optional)</source>
      <translation>管理人证件号码（选填）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="93" />
      <source>Landlord</source>
      <translation>房东</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="94" />
      <source>Manager (building keeper)</source>
      <translation>管理人（楼长）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="138" />
      <source>Unchanged if left empty</source>
      <translation>不填则保持原登记</translation>
    </message>
  </context>
  <context>
    <name>BuildingPage</name>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="176" />
      <source>Room</source>
      <translation>房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="177" />
      <source>Floor</source>
      <translation>楼层</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="178" />
      <source>Layout</source>
      <translation>户型</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="179" />
      <source>Residents / limit</source>
      <translation>实住 / 核定人数</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="198" />
      <source>This building no longer exists.</source>
      <translation>此楼栋已不存在。</translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/building_page.py" line="212" />
      <source>%n floor(s)</source>
      <translation>
        <numerusform>%n层</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/building_page.py" line="214" />
      <source>%n room(s) for rent</source>
      <translation>
        <numerusform>出租%n间</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/building_page.py" line="215" />
      <source>%n resident(s)</source>
      <translation>
        <numerusform>实住%n人</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/building_page.py" line="216" />
      <source> (%n without a room)</source>
      <translation>
        <numerusform>（%n 人未登记房间）</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="218" />
      <source>Scale rental</source>
      <translation>规模出租屋</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="220" />
      <source>Show</source>
      <translation>查看</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="221" />
      <source>Not recorded</source>
      <translation>未登记</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="228" />
      <source>Edit</source>
      <translation>编辑</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="228" />
      <source>Add</source>
      <translation>添加</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="229" />
      <source>Call</source>
      <translation>拨打</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="234" />
      <source>Never</source>
      <translation>从未巡查</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="235" />
      <source>Last inspection: %1. Inspection checklists come in a later release.</source>
      <translation>上次巡查：%1。巡查清单将在后续版本提供。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="236" />
      <source>never</source>
      <translation>从未</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="239" />
      <source>over limit</source>
      <translation>超员</translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/building_page.py" line="259" />
      <source>%n resident(s) without a room</source>
      <translation>
        <numerusform>%n 人未登记房间</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="277" />
      <source>Choose room</source>
      <translation>选择房间</translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/building_page.py" line="283" />
      <source>and %n more: see the Residents tab</source>
      <translation>
        <numerusform>另有 %n 人：见“住户”页</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="324" />
      <source>This device cannot place calls: dial the number shown.</source>
      <translation>本设备无法拨打电话，请按显示的号码手动拨打。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="348" />
      <source>Landlord</source>
      <translation>房东</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="349" />
      <source>Landlord phone</source>
      <translation>房东电话</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="350" />
      <source>Manager</source>
      <translation>管理人</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="351" />
      <source>Manager phone</source>
      <translation>管理人电话</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="352" />
      <source>Last inspection</source>
      <translation>上次巡查</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="292" />
      <source>Rooms</source>
      <translation>房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="260" />
      <source>counted in this building's %1 residents but in none of its rooms</source>
      <translation>计入本楼栋 %1 名住户，但不在任何房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="262" />
      <source>View</source>
      <translation>查看</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="267" />
      <source>Registered without a room number (e.g. imported from a sheet without one). Choose each one's room.</source>
      <translation>登记时没有房号（例如从没有房号的表格导入）。请为每人选择房间。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="292" />
      <source>Residents</source>
      <translation>人员</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="293" />
      <source>Inspections</source>
      <translation>巡查</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="294" />
      <source>No room (%1)</source>
      <translation>未登记房间 (%1)</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="354" />
      <source>Edit building</source>
      <translation>编辑楼栋</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="355" />
      <source>Add room</source>
      <translation>新增房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="356" />
      <source>Register tenant</source>
      <translation>登记住户</translation>
    </message>
  </context>
  <context>
    <name>FormPage</name>
    <message>
      <location filename="../../gridpad/ui/form_base.py" line="102" />
      <source>Save</source>
      <extracomment>Saved with the draft so the registry can reopen this form after a restart.</extracomment>
      <translation>保存</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/form_base.py" line="220" />
      <source>Not saved: %1. What you typed is kept.</source>
      <translation>未保存：%1。已填写的内容都保留着。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/form_base.py" line="265" />
      <source>Draft saved</source>
      <translation>草稿已保存</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/form_base.py" line="279" />
      <source>Draft restored</source>
      <translation>已恢复草稿</translation>
    </message>
  </context>
  <context>
    <name>MoveOutForm</name>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="256" />
      <source>Move out</source>
      <translation>登记搬离</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="259" />
      <source>Confirm move-out</source>
      <translation>确认搬离</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="279" />
      <source>since %1</source>
      <translation>%1 入住</translation>
    </message>
  </context>
  <context>
    <name>NavRail</name>
    <message>
      <location filename="../../gridpad/ui/nav_rail.py" line="72" />
      <source>Today</source>
      <translation>今日任务</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/nav_rail.py" line="72" />
      <source>Registry</source>
      <translation>登记</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/nav_rail.py" line="72" />
      <source>Scan</source>
      <translation>扫码</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/nav_rail.py" line="73" />
      <source>Inspections</source>
      <translation>巡查</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/nav_rail.py" line="73" />
      <source>Hazards</source>
      <translation>隐患</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/nav_rail.py" line="74" />
      <source>Sync</source>
      <translation>同步</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/nav_rail.py" line="74" />
      <source>Settings</source>
      <translation>设置</translation>
    </message>
  </context>
  <context>
    <name>Page</name>
    <message>
      <location filename="../../gridpad/ui/page_base.py" line="46" />
      <source>‹ Back</source>
      <translation>‹ 返回</translation>
    </message>
  </context>
  <context>
    <name>PersonPage</name>
    <message>
      <location filename="../../gridpad/ui/person_page.py" line="91" />
      <source>Show</source>
      <translation>查看</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/person_page.py" line="108" />
      <source>%1 to %2</source>
      <translation>%1 至 %2</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/person_page.py" line="112" />
      <source>Since %1</source>
      <translation>%1 入住</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/person_page.py" line="113" />
      <source>Move out</source>
      <translation>搬离</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/person_page.py" line="117" />
      <source>Building</source>
      <translation>楼栋</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/person_page.py" line="133" />
      <source>ID type</source>
      <translation>证件类型</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/person_page.py" line="133" />
      <source>ID number</source>
      <translation>证件号码</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/person_page.py" line="134" />
      <source>Gender</source>
      <translation>性别</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/person_page.py" line="135" />
      <source>Date of birth</source>
      <translation>出生日期</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/person_page.py" line="135" />
      <source>Ethnicity</source>
      <translation>民族</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/person_page.py" line="136" />
      <source>Mobile phone</source>
      <translation>手机</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/person_page.py" line="136" />
      <source>Employer</source>
      <translation>工作单位</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/person_page.py" line="137" />
      <source>Household registration address</source>
      <translation>户籍地址</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/person_page.py" line="140" />
      <source>Homes</source>
      <translation>居住记录</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/person_page.py" line="141" />
      <source>Edit</source>
      <translation>编辑</translation>
    </message>
  </context>
  <context>
    <name>PlaceholderScreen</name>
    <message>
      <location filename="../../gridpad/ui/placeholder_screen.py" line="29" />
      <source>Inspections</source>
      <translation>巡查</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/placeholder_screen.py" line="31" />
      <source>Inspection checklists come in a later release of GridPad.
Buildings due for inspection are listed under Today.</source>
      <translation>巡查清单将在 网格通后续版本提供。
到期需巡查的楼栋列在“今日任务”中。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/placeholder_screen.py" line="34" />
      <source>Hazards</source>
      <translation>隐患</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/placeholder_screen.py" line="36" />
      <source>Hazard reports come in a later release of GridPad.</source>
      <translation>隐患上报将在 网格通后续版本提供。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/placeholder_screen.py" line="39" />
      <source>This screen is not available in this build.</source>
      <translation>此版本暂不提供该页面。</translation>
    </message>
  </context>
  <context>
    <name>QFileDialog</name>
    <message>
      <location filename="../../gridpad/ui/i18n.py" line="38" />
      <source>&amp;Look in:</source>
      <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/i18n.py" line="39" />
      <source>Files of &amp;type:</source>
      <translation>文件类型(&amp;T)：</translation>
    </message>
  </context>
  <context>
    <name>RegistryScreen</name>
    <message>
      <location filename="../../gridpad/ui/registry_screen.py" line="323" />
      <source>Nothing found for “%1”.</source>
      <extracomment>Finger-sized (ui.md: targets ≥ 44 px). A result cell's padding left and right (gridpad.qss: 8 px each), plus room for the bold header.</extracomment>
      <translation>没有找到“%1”。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/registry_screen.py" line="325" />
      <source>%1+ results</source>
      <translation>%1+ 条结果</translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/registry_screen.py" line="327" />
      <source>%n result(s)</source>
      <translation>
        <numerusform>%n 条结果</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/registry_screen.py" line="367" />
      <source>Unfinished registration</source>
      <translation>未完成的住户登记</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/registry_screen.py" line="368" />
      <source>Unfinished edit of a resident</source>
      <translation>未完成的住户修改</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/registry_screen.py" line="369" />
      <source>Unfinished building form</source>
      <translation>未完成的楼栋表单</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/registry_screen.py" line="369" />
      <source>Unfinished room form</source>
      <translation>未完成的房间表单</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/registry_screen.py" line="370" />
      <source>Unfinished move-out</source>
      <translation>未完成的搬离登记</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/registry_screen.py" line="371" />
      <source>Unfinished form</source>
      <translation>未完成的表单</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/registry_screen.py" line="374" />
      <source>Continue</source>
      <translation>继续填写</translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/registry_screen.py" line="404" />
      <source>%n building(s)</source>
      <translation>
        <numerusform>共 %n 栋</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/registry_screen.py" line="411" />
      <location filename="../../gridpad/ui/registry_screen.py" line="412" />
      <source>Clear the search</source>
      <translation>清除搜索</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/registry_screen.py" line="414" />
      <source>Search: name / pinyin initials / last 4 of ID / room</source>
      <translation>搜索：姓名 / 拼音首字母 / 证件号后4位 / 门牌</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/registry_screen.py" line="415" />
      <source>+ New building</source>
      <translation>+ 新增楼栋</translation>
    </message>
  </context>
  <context>
    <name>Residents</name>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="392" />
      <source>Name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="393" />
      <source>ID number</source>
      <translation>证件号码</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="394" />
      <source>Gender</source>
      <translation>性别</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="396" />
      <source>Room</source>
      <translation>房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="397" />
      <source>No room</source>
      <translation>未登记房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_page.py" line="398" />
      <source>Moved in</source>
      <translation>入住日期</translation>
    </message>
  </context>
  <context>
    <name>Search</name>
    <message>
      <location filename="../../gridpad/ui/search_model.py" line="25" />
      <source>Building</source>
      <translation>楼栋</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/search_model.py" line="26" />
      <source>Room</source>
      <translation>房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/search_model.py" line="27" />
      <source>Resident</source>
      <translation>住户</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/search_model.py" line="36" />
      <source>Moved out (lived at {0})</source>
      <translation>已搬离（原住 {0}）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/search_model.py" line="37" />
      <source>Moved out</source>
      <translation>已搬离</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/search_model.py" line="42" />
      <source>Kind</source>
      <translation>类别</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/search_model.py" line="43" />
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/search_model.py" line="44" />
      <source>Where</source>
      <translation>位置</translation>
    </message>
  </context>
  <context>
    <name>TenantForm</name>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="90" />
      <source>Edit resident</source>
      <extracomment>The person the typed ID number belongs to, and the one the user chose to register here.</extracomment>
      <translation>修改住户信息</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="90" />
      <source>Register a tenant</source>
      <translation>登记住户</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="93" />
      <source>Room</source>
      <translation>房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="99" />
      <location filename="../../gridpad/ui/tenant_form.py" line="331" />
      <source>Moved out of %1 on</source>
      <translation>从 %1 搬离的日期</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="112" />
      <source>%1 · room %2</source>
      <translation>%1 · %2 房</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="114" />
      <source>%1 · choose the room below</source>
      <translation>%1 · 请在下方选择房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="170" />
      <source>No room recorded: choose the room they live in</source>
      <translation>未登记房间：请选择其居住的房间</translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/tenant_form.py" line="249" />
      <source>%n more character(s)</source>
      <translation>
        <numerusform>还差 %n 位</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="290" />
      <source>Moving %1 here from %2.</source>
      <translation>将 %1 从 %2 迁入本处。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="291" />
      <source>⚠ This ID number is already registered: %1 lives at %2.</source>
      <translation>⚠ 此证件号已登记：%1 现住 %2。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="293" />
      <source>Move them here</source>
      <translation>迁入本处</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="295" />
      <location filename="../../gridpad/ui/tenant_form.py" line="300" />
      <source>Registering %1 again: their details are filled in.</source>
      <translation>重新登记 %1：已填入其资料。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="296" />
      <source>⚠ This ID number belongs to %1, who moved out of %2 on %3.</source>
      <translation>⚠ 此证件号属于 %1，已于 %3 从 %2 搬离。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="298" />
      <location filename="../../gridpad/ui/tenant_form.py" line="303" />
      <source>Register them here</source>
      <translation>在此重新登记</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="301" />
      <source>⚠ This ID number belongs to %1, who has no home recorded.</source>
      <translation>⚠ 此证件号属于 %1，暂无居住登记。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="325" />
      <source>%1 (unchanged if left empty)</source>
      <translation>%1（留空则不变）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/tenant_form.py" line="311" />
      <source>View</source>
      <translation>查看</translation>
    </message>
  </context>
  <context>
    <name>TodayScreen</name>
    <message>
      <location filename="../../gridpad/ui/today_screen.py" line="160" />
      <source>No inspections due in the next 7 days.</source>
      <translation>未来7天没有到期的巡查。</translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/today_screen.py" line="167" />
      <source>Overdue %n day(s)</source>
      <translation>
        <numerusform>超期 %n 天</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/today_screen.py" line="169" />
      <source>Due today</source>
      <translation>今天到期</translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/today_screen.py" line="171" />
      <source>Due in %n day(s)</source>
      <translation>
        <numerusform>%n 天后到期</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/today_screen.py" line="173" />
      <source>Open</source>
      <translation>打开</translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/today_screen.py" line="181" />
      <source>%n building(s) have no inspection on record yet.</source>
      <translation>
        <numerusform>另有 %n 栋楼尚无巡查记录。</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/today_screen.py" line="187" />
      <source>Today</source>
      <translation>今日任务</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/today_screen.py" line="188" />
      <source>Welcome to {0}</source>
      <translation>欢迎使用{0}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/today_screen.py" line="190" />
      <source>This tablet is not enrolled yet. Enroll it with the enrollment code from IT, or with a photo of their enrollment QR code: open Settings, then type the server address and the code, or read them from the QR image. Your grid's buildings and residents then arrive with the first sync.</source>
      <translation>本平板尚未注册。请用信息科提供的注册码或注册二维码照片注册：打开“设置”，填写服务器地址和注册码，或从二维码图片读取。注册后首次同步即可收到本网格的楼栋和住户。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/today_screen.py" line="195" />
      <source>To try the app first: close it and run `gridpad demo` in the source checkout. It opens a fictional grid with a local server.</source>
      <translation>想先试用：关闭本应用，在源代码目录中运行“gridpad demo”，即可打开一个带本地服务器的虚构网格。</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/today_screen.py" line="197" />
      <source>Enroll this tablet</source>
      <translation>注册本平板</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/today_screen.py" line="198" />
      <source>Buildings</source>
      <translation>楼栋</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/today_screen.py" line="199" />
      <source>Rooms</source>
      <translation>房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/today_screen.py" line="149" />
      <source>Current residents</source>
      <translation>在住人员</translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/today_screen.py" line="151" />
      <source> (%n without a room)</source>
      <translation>
        <numerusform>（%n 人未登记房间）</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/today_screen.py" line="201" />
      <source>Rooms over their occupant limit</source>
      <translation>超员房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/today_screen.py" line="202" />
      <source>Inspections due or overdue</source>
      <translation>到期或超期的巡查</translation>
    </message>
  </context>
  <context>
    <name>UnitForm</name>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="204" />
      <source>Edit room</source>
      <translation>编辑房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/place_forms.py" line="204" />
      <source>New room</source>
      <translation>新增房间</translation>
    </message>
  </context>
  <context>
    <name>UnitPage</name>
    <message>
      <location filename="../../gridpad/ui/unit_page.py" line="78" />
      <source>Floor %1</source>
      <translation>%1楼</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/unit_page.py" line="84" />
      <source>Rent ¥%1 a month</source>
      <translation>月租 ¥%1</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/unit_page.py" line="86" />
      <source>over limit</source>
      <translation>超员</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/unit_page.py" line="98" />
      <source>Residents</source>
      <translation>住户</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/unit_page.py" line="99" />
      <source>Edit room</source>
      <translation>编辑房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/unit_page.py" line="100" />
      <source>Register tenant</source>
      <translation>登记住户</translation>
    </message>
  </context>
  <context>
    <name>Rules</name>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="47" />
      <location filename="../../gridpad/ui/rule_text.py" line="20" />
      <location filename="../../gridpad/ui/rule_text.py" line="31" />
      <source>Name</source>
      <translation>姓名</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="47" />
      <location filename="../../gridpad/ui/rule_text.py" line="20" />
      <source>ID number</source>
      <translation>证件号码</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="48" />
      <location filename="../../gridpad/ui/rule_text.py" line="28" />
      <source>Room number</source>
      <translation>房号</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="48" />
      <location filename="../../gridpad/ui/rule_text.py" line="23" />
      <source>Room</source>
      <translation>房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="48" />
      <location filename="../../gridpad/ui/rule_text.py" line="23" />
      <source>Move-in date</source>
      <translation>入住日期</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="49" />
      <location filename="../../gridpad/ui/rule_text.py" line="24" />
      <source>Move-out date</source>
      <translation>搬离日期</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="49" />
      <location filename="../../gridpad/ui/rule_text.py" line="23" />
      <source>Employer</source>
      <translation>工作单位</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/conflicts_view.py" line="50" />
      <location filename="../../gridpad/ui/rule_text.py" line="27" />
      <source>Occupant limit</source>
      <translation>核定人数</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_list.py" line="60" />
      <location filename="../../gridpad/ui/conflicts_view.py" line="47" />
      <location filename="../../gridpad/ui/rule_text.py" line="25" />
      <source>Address</source>
      <translation>地址</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="20" />
      <source>ID type</source>
      <translation>证件类型</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="21" />
      <source>Gender</source>
      <translation>性别</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="21" />
      <source>Date of birth</source>
      <translation>出生日期</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="21" />
      <source>Ethnicity</source>
      <translation>民族</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="22" />
      <source>Household registration address</source>
      <translation>户籍地址</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="22" />
      <source>Mobile phone</source>
      <translation>手机</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="24" />
      <source>Relation to the tenant</source>
      <translation>与承租人关系</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="25" />
      <source>Reason for moving out</source>
      <translation>搬离原因</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="26" />
      <source>Building type</source>
      <translation>房屋类型</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="26" />
      <source>Floors above ground</source>
      <translation>地上层数</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="27" />
      <source>Rooms for rent</source>
      <translation>出租间数</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="28" />
      <source>Inspection cycle (days)</source>
      <translation>巡查周期（天）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="29" />
      <source>Floor</source>
      <translation>楼层</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="29" />
      <source>Area (m²)</source>
      <translation>面积（m²）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="29" />
      <source>Layout</source>
      <translation>户型</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="30" />
      <source>Monthly rent</source>
      <translation>月租金</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="30" />
      <source>Landlord name</source>
      <translation>房东姓名</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="31" />
      <source>Landlord phone</source>
      <translation>房东电话</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="31" />
      <source>Role</source>
      <translation>身份</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="32" />
      <source>Building</source>
      <translation>楼栋</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="32" />
      <source>Grid</source>
      <translation>网格</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="41" />
      <source>Enter the ID number</source>
      <translation>请填写证件号码</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="42" />
      <source>Wrong length: an ID number has 18 characters, this has {length}</source>
      <translation>位数不对：身份证号为18位，现为{length}位</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="43" />
      <source>Wrong format: 17 digits followed by a digit or X</source>
      <translation>格式不正确：应为17位数字加1位数字或X</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="44" />
      <source>Birth date {date} in the number is not a real date</source>
      <translation>号码中的出生日期 {date} 不存在</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="45" />
      <source>Birth date {date} in the number is before 1900</source>
      <translation>号码中的出生日期 {date} 早于1900年</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="46" />
      <source>Birth date {date} in the number is in the future</source>
      <translation>号码中的出生日期 {date} 晚于今天</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="47" />
      <source>The number does not add up: compare every digit with the card</source>
      <translation>号码有误：请对照证件逐位核对</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="48" />
      <source>Area code {area_code} does not exist</source>
      <translation>地区码 {area_code} 不存在</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="49" />
      <source>A residence permit number starts with 810000, 820000 or 830000</source>
      <translation>港澳台居民居住证号码以 810000、820000 或 830000 开头</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="50" />
      <source>A number starting with {prefix} is a HK/Macau/Taiwan residence permit: choose that ID type</source>
      <translation>以 {prefix} 开头的是港澳台居民居住证号码：请将证件类型选为“港澳台居民居住证”</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="52" />
      <source>A 2023 permanent residence card number starts with 9</source>
      <translation>2023版外国人永久居留身份证号码以9开头</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="53" />
      <source>Unknown ID type</source>
      <translation>未知的证件类型</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="54" />
      <source>The code does not add up: compare every character with the business licence</source>
      <translation>代码有误：请对照营业执照逐位核对</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="56" />
      <source>Enter the phone number</source>
      <translation>请填写电话号码</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="57" />
      <source>Digits only (an optional +86 is fine)</source>
      <translation>只能填数字（可带 +86）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="58" />
      <source>A mobile number has 11 digits, this has {length}</source>
      <translation>手机号为11位，现为{length}位</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="59" />
      <source>A mobile number starts with 13 to 19</source>
      <translation>手机号以13至19开头</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="60" />
      <source>A landline needs its area code, e.g. 0769-22345678</source>
      <translation>固定电话需带区号，如 0769-22345678</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="61" />
      <source>Not a valid landline number</source>
      <translation>不是有效的固定电话号码</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="62" />
      <source>Required</source>
      <translation>必填</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="63" />
      <location filename="../../gridpad/ui/rule_text.py" line="80" />
      <source>Choose one of the listed values</source>
      <translation>请从列表中选择</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="64" />
      <source>Must be 0 or more</source>
      <translation>不能小于0</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="65" />
      <source>Must be more than 0</source>
      <translation>必须大于0</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="66" />
      <source>Not a valid year</source>
      <translation>年份不正确</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="67" />
      <source>Not a valid date (YYYY-MM-DD)</source>
      <translation>日期不正确（格式：年-月-日，如 2026-11-26）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="68" />
      <source>Wrong kind of value</source>
      <translation>填写内容的类型不对</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="69" />
      <source>Must be a whole number</source>
      <translation>应为整数</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="70" />
      <source>Must be a number</source>
      <translation>应为数字</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="71" />
      <source>Move-out date is before the move-in date {move_in_at}</source>
      <translation>搬离日期早于入住日期 {move_in_at}</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="72" />
      <source>Choose the room the tenant lives in</source>
      <translation>请选择住户所住的房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="73" />
      <source>Already lives in this room</source>
      <translation>已住在此房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="74" />
      <source>Already has a room: record a move-out and register them again</source>
      <translation>已有房间：请先登记搬离再重新登记</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="75" />
      <source>Choose a room of the building they live in</source>
      <translation>请选择其所住楼栋内的房间</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="76" />
      <source>Already registered to another person: use the card above instead of adding a second record</source>
      <translation>此证件号已登记为他人：请使用上方卡片，不要重复建档</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="78" />
      <source>Does not match the ID number</source>
      <translation>与证件号码不符</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="79" />
      <source>Does not match the ID number's birth date {expected}</source>
      <translation>与证件号码中的出生日期 {expected} 不符</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="81" />
      <source>Not found; choose again</source>
      <translation>找不到，请重新选择</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="82" />
      <source>Not a valid record id (letters A-Z, digits and _ . : - only)</source>
      <translation>记录编号无效（只能包含字母 A-Z、数字和 _ . : -）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="83" />
      <source>A record id has at most {max} characters</source>
      <translation>记录编号最多 {max} 个字符</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="84" />
      <source>Contains a character that cannot be stored (NUL)</source>
      <translation>含有无法保存的字符（NUL）</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="85" />
      <source>Contains an invisible control character: retype it</source>
      <translation>含有不可见的控制字符，请重新输入</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="86" />
      <location filename="../../gridpad/ui/rule_text.py" line="87" />
      <source>Too long: at most {max} characters, this has {length}</source>
      <translation>太长：最多 {max} 个字，现有 {length} 个</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="88" />
      <source>Must be an ordinary number</source>
      <translation>必须是普通数字</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="89" />
      <source>Number out of range</source>
      <translation>数字超出范围</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="90" />
      <source>Contains a value that cannot be stored</source>
      <translation>含有无法保存的值</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="91" />
      <source>Belongs to a grid this tablet does not hold</source>
      <translation>属于本平板未负责的网格</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/rule_text.py" line="111" />
      <source>{field}: {rule}</source>
      <translation>{field}：{rule}</translation>
    </message>
  </context>
  <context>
    <name>BuildingList</name>
    <message>
      <location filename="../../gridpad/ui/building_list.py" line="23" />
      <source>Not scheduled</source>
      <translation>未排期</translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/building_list.py" line="26" />
      <source>Overdue %n day(s)</source>
      <translation>
        <numerusform>超期 %n 天</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_list.py" line="28" />
      <source>Due today</source>
      <translation>今天到期</translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/building_list.py" line="29" />
      <source>Due in %n day(s)</source>
      <translation>
        <numerusform>%n 天后到期</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_list.py" line="48" />
      <source> over limit</source>
      <translation> 超员</translation>
    </message>
    <message numerus="yes">
      <location filename="../../gridpad/ui/building_list.py" line="51" />
      <source> (%n without a room)</source>
      <translation>
        <numerusform>（%n 人未登记房间）</numerusform>
      </translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_list.py" line="60" />
      <location filename="../../gridpad/ui/conflicts_view.py" line="47" />
      <location filename="../../gridpad/ui/rule_text.py" line="25" />
      <source>Address</source>
      <translation>地址</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_list.py" line="61" />
      <source>Type</source>
      <translation>房屋类型</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_list.py" line="62" />
      <location filename="../../gridpad/ui/conflicts_view.py" line="50" />
      <source>Floors</source>
      <translation>层数</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_list.py" line="64" />
      <location filename="../../gridpad/ui/conflicts_view.py" line="38" />
      <source>Rooms</source>
      <translation>间数</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_list.py" line="66" />
      <source>Residents</source>
      <translation>实住/核定</translation>
    </message>
    <message>
      <location filename="../../gridpad/ui/building_list.py" line="68" />
      <source>Next inspection</source>
      <translation>下次巡查</translation>
    </message>
  </context>
</TS>